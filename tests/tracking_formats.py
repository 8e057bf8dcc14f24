"""The three formats ``logistics_crm`` reads, by name, for the tests of its parsers.

In Odoo a carrier parses through its connector's method (``_<connector>_parse``),
which calls the same functions after the same size check.
"""

from logistics_crm_tracking import parsers

PARSERS = {
    "json": parsers.parse_json,
    "epcis": parsers.parse_epcis,
    "aggregator": parsers.parse_aggregator_json,
}


def parse(kind, body):
    parsers.check_size(body)
    return PARSERS[kind](body)
