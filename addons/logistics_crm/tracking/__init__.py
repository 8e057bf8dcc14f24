"""Pure tracking code of logistics_crm: no Odoo import, plain data in and out."""

from . import events, health, milestones, parsers, polling, signature, status_map
