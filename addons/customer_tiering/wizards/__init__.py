from . import customer_tier_override
from . import customer_credit_release
from . import customer_credit_writeoff
