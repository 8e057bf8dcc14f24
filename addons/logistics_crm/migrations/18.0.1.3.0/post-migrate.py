"""Complaints filed before the cap remember their claim as the first one."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE logistics_complaint
           SET claimed_amount_first = claimed_amount
         WHERE claimed_amount > 0 AND COALESCE(claimed_amount_first, 0) = 0
        """
    )
