from . import portal
from . import tracking_webhook

# complaints (R-COMP)
from . import complaint_portal
