"""Public constants of customer_tiering: other addons import them from here."""

# best first: reports and lists sort tiers in this order
TIER_SELECTION = [
    ("platinum", "Platinum"),
    ("gold", "Gold"),
    ("iron", "Iron"),
    ("lead", "Lead"),
]
