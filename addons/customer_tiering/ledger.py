"""The receivable lines every figure of this addon reads, written once."""

from odoo.tools import SQL


def posted_receivable(alias="l"):
    """WHERE fragment: posted journal items on receivable accounts (alias ``l``).

    The 360, the exposure, the nightly credit facts, the month-end snapshot and
    the collection plan all count these lines, so that their totals agree.
    """
    return SQL(
        """%(line)s.parent_state = 'posted'
           AND %(line)s.account_id IN (SELECT id FROM account_account
                                        WHERE account_type = 'asset_receivable')""",
        line=SQL.identifier(alias),
    )
