"""Who may run a method that elevates: one rule, written once.

A public method is callable over RPC by anyone who can read the record; one that
writes with SQL or ``sudo()`` checks the caller's groups first, with this.
"""

from odoo.exceptions import AccessError

CREDIT_CONTROLLER = "customer_tiering.group_credit_controller"
ACCOUNT_MANAGER = "customer_tiering.group_account_manager"
SALES_MANAGER = "sales_team.group_sale_manager"
ACCOUNTING_MANAGER = "account.group_account_manager"


def in_any_group(env, *groups):
    """The superuser, or a member of one of ``groups``."""
    return env.su or any(env.user.has_group(group) for group in groups)


def require_any_group(env, message, *groups):
    """Raise ``AccessError(message)`` unless :func:`in_any_group`."""
    if not in_any_group(env, *groups):
        raise AccessError(message)
