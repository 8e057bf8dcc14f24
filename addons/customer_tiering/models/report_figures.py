from odoo import models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from ..const import TIER_SELECTION


def rank_tiers(model, groupby_terms):
    """The group-by terms, tiers replaced by their rank: to order groups by."""
    ranked = dict(groupby_terms)
    for term, sql_expr in groupby_terms.items():
        field = model._fields.get(term)
        if field and field.type == "selection" and field.selection == TIER_SELECTION:
            ranked[term] = SQL(
                "CASE %s %s END",
                sql_expr,
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", key, rank)
                    for rank, (key, _label) in enumerate(TIER_SELECTION)
                ),
            )
    return ranked


class TierOrderMixin(models.AbstractModel):
    """Groups of a tier come best first (platinum, gold, iron, lead), not A to Z.

    The pivot and graph read their groups without group_expand, and Postgres
    sorts the stored keys alphabetically: rank them by the selection instead.
    """

    _name = "customer.tier.order.mixin"
    _description = "Tier Groups in Tier Order"

    def _read_group_orderby(self, order, groupby_terms, query):
        return super()._read_group_orderby(order, rank_tiers(self, groupby_terms), query)


class PeriodEndMixin(models.AbstractModel):
    """Figures that hold at a date, one row per month (balances, active customers).

    Added up within a month (over customers, companies) they stay right, added
    up over months they are not: a quarter's closing balance is that of its
    last month-end, not three month-ends together. So any group spanning
    several months sums the rows of its latest month for the ``_period_end``
    fields and of its earliest month for the ``_period_start`` ones (openings).
    Movements (debits, credits, changes) keep their plain sum.
    """

    _name = "customer.period.end.mixin"
    _description = "Month-end Figures Not Added Across Months"
    _period_date = "date_to"
    _period_end = ()
    _period_start = ()

    def _read_group_select(self, aggregate_spec, query):
        sql = super()._read_group_select(aggregate_spec, query)  # checks the spec and access
        fname, _property, func = parse_read_group_spec(aggregate_spec)
        if func != "sum" or fname not in (*self._period_end, *self._period_start):
            return sql
        value = self._field_to_sql(self._table, fname, query)
        day = self._field_to_sql(self._table, self._period_date, query)
        pick = SQL("MAX") if fname in self._period_end else SQL("MIN")
        return SQL(
            """(SELECT SUM(p.value) FROM unnest(ARRAY_AGG(%(day)s), ARRAY_AGG(%(value)s)) AS p(day, value)
                 WHERE date_trunc('month', p.day) = date_trunc('month', %(pick)s(%(day)s)))""",
            day=day,
            value=value,
            pick=pick,
        )
