"""Pure tracking code of logistics_crm: no Odoo import, plain data in and out."""

from . import (
    edifact,
    epcis,
    events,
    health,
    kuaidi100,
    milestones,
    parsers,
    polling,
    signature,
    status_map,
    x12,
)
