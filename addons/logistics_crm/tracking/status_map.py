"""Raw carrier codes → status category → milestone, editable per carrier.

A carrier's map is ``{raw_code: category_code}`` (``None`` for a code seen but not
mapped yet) and the categories are ``{category_code: milestone or None}``; a
category without milestone is informational and does not move the shipment.
"""

# category code: (milestone, opens a cargo claim)
CATEGORIES = {
    "booked": ("booked", False),
    "pickup": ("picked_up", False),
    "transit": ("in_transit", False),
    "customs": ("customs", False),
    "delivery": ("out_for_delivery", False),
    "delivered": ("delivered", False),
    "delay": ("exception", False),
    "failed_attempt": ("exception", False),
    "address": ("exception", False),
    "refused": ("exception", False),
    "damage": ("exception", True),
    "shortage": ("exception", True),
    "lost": ("exception", True),
    "exception": ("exception", False),
    "return": ("returned", False),
    "info": (None, False),
}

# What a new carrier of each kind starts with; managers edit it from there.
DEFAULT_MAPS = {
    "json": {
        "BOOKED": "booked",
        "PICKED_UP": "pickup",
        "IN_TRANSIT": "transit",
        "ARRIVED_HUB": "transit",
        "CUSTOMS": "customs",
        "CUSTOMS_CLEARED": "transit",
        "OUT_FOR_DELIVERY": "delivery",
        "DELIVERED": "delivered",
        "DELAYED": "delay",
        "FAILED_ATTEMPT": "failed_attempt",
        "ADDRESS_ISSUE": "address",
        "REFUSED": "refused",
        "DAMAGED": "damage",
        "SHORTAGE": "shortage",
        "LOST": "lost",
        "RETURNED": "return",
        "INFO": "info",
    },
    # exact "<bizStep>|<disposition>", then "|<disposition>", then "<bizStep>|"
    "epcis": {
        # an event with neither bizStep nor disposition (sensor readings, say)
        "|": "info",
        "|damaged": "damage",
        "|destroyed": "damage",
        "|stolen": "lost",
        "|returned": "return",
        "commissioning|": "booked",
        "packing|": "booked",
        "staging_outbound|": "booked",
        "loading|": "pickup",
        "shipping|": "pickup",
        "departing|": "transit",
        "transporting|": "transit",
        "arriving|": "transit",
        "unloading|": "transit",
        "holding|": "delay",
        "receiving|": "delivered",
        "accepting|": "delivered",
    },
    # AfterShip-style: the subtag, then its tag
    "aggregator": {
        "Pending": "info",
        "InfoReceived": "booked",
        "InTransit": "transit",
        "InTransit_002": "pickup",
        "OutForDelivery": "delivery",
        "AvailableForPickup": "delivery",
        "Delivered": "delivered",
        "AttemptFail": "failed_attempt",
        "Exception": "exception",
        "Expired": "info",
    },
}


def candidate_codes(raw_code):
    """The keys tried, most specific first, for a raw code."""
    candidates = [raw_code]
    if "|" in raw_code:
        step, _sep, disposition = raw_code.rpartition("|")
        if disposition:
            candidates.append("|" + disposition)
        if step:
            candidates.append(step + "|")
    elif "_" in raw_code and raw_code[:1].isupper() and not raw_code.isupper():
        candidates.append(raw_code.split("_", 1)[0])  # AfterShip subtag → tag
    return candidates


def lookup(raw_code, code_map):
    """The category a raw code means under ``code_map``, or None (unknown or unmapped)."""
    for key in candidate_codes(raw_code):
        category = code_map.get(key)
        if category:
            return category
    return None


def normalise(events, code_map, categories=None):
    """Set ``category``, ``milestone`` and ``mapped`` on each event, in place.

    Returns the set of raw codes that matched no entry (or an unmapped one).
    """
    categories = {k: v[0] for k, v in CATEGORIES.items()} if categories is None else categories
    unknown = set()
    cache = {}  # raw code -> (category, milestone, mapped)
    for event in events:
        code = event.raw_code
        found = cache.get(code)
        if found is None:
            category = lookup(code, code_map)
            if category is None:
                found = (None, None, False)
                unknown.add(code)
            else:
                found = (category, categories.get(category), True)
            cache[code] = found
        event.category, event.milestone, event.mapped = found
    return unknown
