from . import portal
from . import tracking_webhook

# complaints
from . import complaint_portal
