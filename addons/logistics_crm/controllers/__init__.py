# complaints (R-COMP)
from . import complaint_portal
