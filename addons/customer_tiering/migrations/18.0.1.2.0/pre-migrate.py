"""The 360's fixed 1-30/31-60/61-90/90+ fields give way to the company's aging buckets.

The stored 360 view still names the old fields, and the partner form is
validated with it before the new 360 view is loaded: empty it first.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE ir_ui_view SET arch_db = jsonb_build_object('en_US', '<data/>')
            WHERE id IN (SELECT res_id FROM ir_model_data
                          WHERE module = 'customer_tiering' AND name = 'res_partner_view_form_360'
                            AND model = 'ir.ui.view')"""
    )
