"""Tracking ingestion: flags on stored events, per-carrier secrets, the EPCIS "|" line."""

import secrets

from odoo import SUPERUSER_ID, api

SHARED_DEMO_SECRET = "demo-secret-change-me"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        "UPDATE logistics_shipment_event SET retracted = FALSE WHERE retracted IS NULL;"
        "UPDATE logistics_carrier SET future_margin = 15 WHERE future_margin IS NULL"
    )
    # the demo carriers shared one published secret: each gets its own
    cr.execute("SELECT id FROM logistics_carrier WHERE webhook_secret = %s", [SHARED_DEMO_SECRET])
    for (carrier_id,) in cr.fetchall():
        cr.execute(
            "UPDATE logistics_carrier SET webhook_secret = %s WHERE id = %s",
            [secrets.token_urlsafe(32), carrier_id],
        )
    # events stored with a date in the future stop moving their shipments until then
    cr.execute(
        """UPDATE logistics_shipment_event e SET is_future = (e.event_time > (now() AT TIME ZONE 'UTC')
                  + make_interval(mins => COALESCE(c.future_margin, 15)))
             FROM logistics_carrier c WHERE c.id = e.carrier_id
           RETURNING e.shipment_id, e.is_future"""
    )
    flagged = {shipment_id for shipment_id, is_future in cr.fetchall() if is_future}
    cr.execute("UPDATE logistics_shipment_event SET is_future = FALSE WHERE is_future IS NULL")
    if flagged:
        env["logistics.shipment"].browse(sorted(flagged))._refresh_from_events()
    # an EPCIS event with neither bizStep nor disposition is information by default
    info = env.ref("logistics_crm.status_category_info", raise_if_not_found=False)
    if info:
        cr.execute(
            """INSERT INTO logistics_carrier_status
                      (carrier_id, raw_code, category_id, is_mapped, description,
                       create_uid, create_date, write_uid, write_date)
               SELECT id, '|', %s, TRUE, 'No bizStep nor disposition', 1,
                      now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
                 FROM logistics_carrier WHERE connector = 'epcis'
                   ON CONFLICT (carrier_id, raw_code) DO NOTHING""",
            [info.id],
        )
        cr.execute(
            "UPDATE logistics_carrier_status l SET milestone = c.milestone"
            " FROM logistics_status_category c WHERE l.category_id = c.id AND l.raw_code = '|'"
        )
