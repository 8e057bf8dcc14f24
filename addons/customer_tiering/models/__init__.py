from . import res_partner
from . import customer_tier_history
from . import customer_tier_policy
from . import customer_tiering_demo
