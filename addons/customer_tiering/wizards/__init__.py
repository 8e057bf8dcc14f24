from . import customer_tier_override
from . import customer_credit_release
