"""Write-offs become records with an approval; the old wizard rows are throwaway."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT to_regclass('customer_credit_writeoff')")
    if cr.fetchone()[0]:
        cr.execute("DROP TABLE IF EXISTS account_move_customer_credit_writeoff_rel")
        cr.execute("DROP TABLE customer_credit_writeoff")
