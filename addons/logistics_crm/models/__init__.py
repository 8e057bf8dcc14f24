# complaints (R-COMP)
from . import logistics_complaint
from . import logistics_complaint_category
from . import logistics_complaint_root_cause
from . import logistics_complaint_sla
from . import logistics_complaint_survey
from . import res_partner_complaint
