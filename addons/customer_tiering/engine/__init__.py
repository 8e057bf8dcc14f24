"""Pure arithmetic of customer_tiering: no Odoo import, plain data in and out."""

from . import activity, aging, collector, credit, receivables, scoring
