from . import portal
from . import tracking_webhook
