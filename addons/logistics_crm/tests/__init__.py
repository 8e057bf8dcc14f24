from . import test_menus
from . import test_translations
from . import test_tracking_ingest
from . import test_tracking_webhook
from . import test_tracking_polling
from . import test_tracking_hostile
from . import test_tracking_time
from . import test_tracking_epcis
from . import test_tracking_access
from . import test_tracking_fuzz
from . import test_tracking_kuaidi100
from . import test_tracking_edi
from . import test_tracking_upload
from . import test_shipment_notifications
from . import test_shipment_portal
from . import test_shipment_kpis
from . import test_shipment_sale_order

# complaints
from . import test_complaint_flow
from . import test_complaint_portal
from . import test_complaint_sla
from . import test_complaint_figures
from . import test_shipment_claim

# dashboards
from . import test_service_report
from . import test_story_tour
from . import test_setup_checklist
from . import test_dashboards
from . import test_demo_history
from . import test_click_everywhere
