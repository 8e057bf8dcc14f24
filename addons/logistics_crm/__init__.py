# complaints (R-COMP)
from . import controllers
from . import models
