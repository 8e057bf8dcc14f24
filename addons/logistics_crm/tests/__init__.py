from . import test_menus
from . import test_translations

# complaints (R-COMP)
from . import test_complaint_flow
from . import test_complaint_portal
from . import test_complaint_sla
from . import test_shipment_claim
