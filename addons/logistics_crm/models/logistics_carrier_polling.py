import logging
import time
from datetime import timedelta
from urllib.parse import quote

import requests

from odoo import api, fields, models
from odoo.modules import module as odoo_module
from odoo.tools import SQL

from ..tracking import polling
from ..tracking.events import PayloadError
from .logistics_carrier import set_read_committed

# one cron call polls for at most this long (well within a worker's time limit);
# the shipments left stay due and the cron comes back for them
POLL_BATCH_SECONDS = 60
# a shipment just taken by a poller is not taken again, even by "Poll Now", this long
POLL_LEASE = timedelta(minutes=2)

_logger = logging.getLogger(__name__)


class LogisticsCarrier(models.Model):
    """Polling a carrier for its due shipments, by cron or on demand."""

    _inherit = "logistics.carrier"

    def _begin_read_committed(self):
        """Commit, and run the next transaction in READ COMMITTED.

        Under Odoo's REPEATABLE READ, a row another transaction changed after ours
        began cannot be locked or updated (a serialization failure, which fails a
        cron job).  READ COMMITTED waits for the lock and reads the latest row; the
        rows are locked before they are read, so nothing is lost.  Tests run in one
        transaction: there it changes nothing.
        """
        if odoo_module.current_test:
            return
        # a cron's own transaction, ended between batches on purpose
        self.env.cr.commit()  # pylint: disable=invalid-commit
        set_read_committed(self.env.cr)
        # what the cache holds was read in the transaction just ended: the next batch
        # may find a shipment again that a delivery changed meanwhile
        self.env.invalidate_all()

    @api.model
    def _cron_poll_shipments(self):
        """Poll every carrier's due shipments, one batch per carrier and transaction."""
        # a job covers every company's carriers, as the scheduler's own user does
        self = self.sudo()
        done = 0
        ends = time.monotonic() + POLL_BATCH_SECONDS
        for carrier in self.search([]).filtered(lambda c: c._connector_has("subscribe")):
            carrier._begin_read_committed()
            done += carrier._subscribe_pending(commit=True)
        carriers = self.search([("endpoint", "!=", False)])
        for carrier in carriers:
            if time.monotonic() > ends:
                break
            carrier._begin_read_committed()
            done += carrier._poll_batch(commit=True)
        remaining = sum(carrier._due_shipment_count() for carrier in carriers)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _due_domain_sql(self, force=False):
        finals = ["delivered", "returned"]
        since = POLL_LEASE if force else timedelta(minutes=self.poll_interval)
        due = SQL("(last_sync_date IS NULL OR last_sync_date < %s)", fields.Datetime.now() - since)
        return SQL(
            "carrier_id = %s AND active AND (milestone IS NULL OR milestone != ALL(%s)) AND %s",
            self.id,
            finals,
            due,
        )

    def _due_shipment_count(self):
        self.ensure_one()
        self.env["logistics.shipment"].flush_model()
        [(count,)] = self.env.execute_query(
            SQL("SELECT COUNT(*) FROM logistics_shipment WHERE %s", self._due_domain_sql())
        )
        return count

    def _lock_due_shipments(self, force=False):
        """Due shipments of this carrier, locked; rows another worker holds are skipped.

        ``FOR NO KEY UPDATE`` (what an UPDATE takes) rather than ``FOR UPDATE``: a
        webhook storing events of these shipments meanwhile is not blocked by it.
        """
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM logistics_shipment WHERE %s
                    ORDER BY last_sync_date NULLS FIRST, id
                    LIMIT %s FOR NO KEY UPDATE SKIP LOCKED""",
                self._due_domain_sql(force),
                max(self.poll_batch_size, 1),
            )
        )
        return self.env["logistics.shipment"].browse([row[0] for row in rows])

    def _poll_batch(self, force=False, commit=False):
        """Poll one batch of due shipments; returns how many were polled.

        The batch is taken by stamping its last poll time: another worker no longer
        finds it due.  With ``commit`` (a cron's own transaction) that is committed
        at once and each answer as it comes, so no row lock is held while the
        carrier is asked and a webhook for these shipments is not kept waiting.
        """
        self.ensure_one()
        shipments = self._lock_due_shipments(force)
        if not shipments:
            return 0
        shipments.write({"last_sync_date": fields.Datetime.now()})
        if commit:
            self._commit_outside_tests()
        return self._poll_shipments(shipments, commit=commit)

    def _commit_outside_tests(self):
        """Keep what a poller or job did so far: a later failure must not undo it."""
        if not odoo_module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _poll_shipments(self, shipments, commit=False):
        """An error on one shipment is recorded on it, and the others go on.

        Returns how many were polled: the batch stops after ``POLL_BATCH_SECONDS``,
        and the shipments left stay due for the next run.
        """
        self.ensure_one()
        if not shipments:
            return 0
        ends = time.monotonic() + POLL_BATCH_SECONDS
        polled = 0
        with requests.Session() as session:
            session.trust_env = False  # no proxy or .netrc from the server's environment
            for shipment in shipments:
                if time.monotonic() > ends:
                    break
                polled += 1
                error = False
                try:
                    with self.env.cr.savepoint():
                        url, headers, *form = self._connector_call("poll_request", shipment)
                        body = polling.fetch(
                            session,
                            url,
                            headers=headers,
                            form=form[0] if form else None,
                            timeout=self.timeout,
                            retries=self.max_retries,
                            allow_http=self.is_test_carrier,
                        )
                        self._ingest_document(self._parse_body(body), "poll", shipments=shipment)
                except (polling.FetchError, PayloadError) as failure:
                    error = str(failure)[:500]
                    _logger.info(
                        "polling %s for shipment %s failed: %s", self.code, shipment.id, error
                    )
                shipment.write({"last_sync_date": fields.Datetime.now(), "last_sync_error": error})
                if commit:
                    # each answer is kept as it comes, and the shipment's lock released
                    self._commit_outside_tests()
        return polled

    def _subscribe_pending(self, commit=False):
        """Ask the carrier to push the events of its shipments waiting for it.

        A failure is recorded on the shipment, which stays pending for the next run.
        Returns how many shipments were asked.
        """
        self.ensure_one()
        self.env["logistics.shipment"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM logistics_shipment
                    WHERE carrier_id = %s AND active AND subscription_state = 'pending'
                    ORDER BY id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED""",
                self.id,
                max(self.poll_batch_size, 1),
            )
        )
        shipments = self.env["logistics.shipment"].browse([row[0] for row in rows])
        with requests.Session() as session:
            session.trust_env = False  # no proxy or .netrc from the server's environment
            for shipment in shipments:
                values = {"subscription_state": "subscribed", "subscription_error": False}
                try:
                    self._connector_call("subscribe", shipment, session)
                except (polling.FetchError, PayloadError) as failure:
                    values = {"subscription_error": str(failure)[:500]}
                    _logger.info("subscribing shipment %s failed: %s", shipment.id, failure)
                shipment.write(values)
                if commit:
                    self._commit_outside_tests()
        return len(shipments)

    def _poll_url(self, tracking_ref):
        ref = quote(tracking_ref, safe="")
        if "{tracking_ref}" in self.endpoint:
            return self.endpoint.replace("{tracking_ref}", ref)
        return f"{self.endpoint.rstrip('/')}/{ref}"

    def _poll_headers(self, accept="application/json"):
        headers = {"Accept": accept}
        if self.api_key:
            name = self.api_key_header or "Authorization"
            headers[name] = f"Bearer {self.api_key}" if name == "Authorization" else self.api_key
        return headers
