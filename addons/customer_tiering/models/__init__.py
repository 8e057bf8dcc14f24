from . import res_partner
from . import customer_tiering_demo
