from . import customer_tier_override
