from . import logistics_status_category
from . import logistics_carrier_status
from . import logistics_carrier
from . import logistics_carrier_polling
from . import logistics_carrier_kuaidi100
from . import logistics_carrier_edifact
from . import logistics_carrier_x12
from . import logistics_shipment
from . import logistics_shipment_event
from . import logistics_shipment_subscription
from . import customer_tier_policy
from . import res_partner
from . import sale_order
from . import account_move
from . import logistics_crm_demo

# complaints
from . import logistics_complaint
from . import logistics_complaint_escalation
from . import logistics_complaint_compensation
from . import logistics_complaint_category
from . import logistics_complaint_root_cause
from . import logistics_complaint_sla
from . import logistics_complaint_survey
from . import res_partner_complaint
from . import logistics_shipment_complaint
from . import logistics_complaint_demo
from . import logistics_setup_checklist
