import json
import logging
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from ..models.logistics_carrier import set_read_committed
from ..tracking import signature
from ..tracking.events import PayloadError
from ..tracking.parsers import MAX_BODY_BYTES

_logger = logging.getLogger(__name__)


class TrackingWebhook(http.Controller):
    """Carriers push tracking events here, signed with the carrier's secret.

    A connector may verify pushes its own way and answer what its carrier expects
    (kuaidi100: a form signed with the carrier's salt, answered ``result: true``);
    see ``logistics.carrier``'s docstring.  Otherwise the answer comes once the
    events are committed, and its counts are what was
    stored: ``received``, ``stored`` (also ``accepted``), ``duplicates``,
    ``unmatched``, ``unmapped``, ``future``, ``retracted``, ``rejected`` and the
    first rejected items with where and why (``rejections``).
    """

    @http.route(
        "/logistics/tracking/<string:code>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        max_content_length=MAX_BODY_BYTES,
    )
    def receive(self, code, **_kw):
        httprequest = request.httprequest
        source = f"{httprequest.remote_addr} → carrier {code[:64]!r}"
        # the public user may not read carriers; the secret is needed to check the signature
        carriers = request.env["logistics.carrier"].with_user(SUPERUSER_ID).sudo()
        carrier = carriers.search([("code", "=", code)], limit=1)
        if not carrier:
            _logger.warning("tracking webhook: unknown carrier (%s)", source)
            return self._answer(404, error="unknown carrier")
        length = httprequest.content_length
        if length is None:
            # without a length the body could be endless; carriers always send one
            _logger.warning("tracking webhook: no Content-Length (%s)", source)
            return self._answer(411, error="Content-Length required")
        if length > MAX_BODY_BYTES:
            _logger.warning("tracking webhook: body too large (%s)", source)
            return self._answer(413, error=f"body over {MAX_BODY_BYTES} bytes")
        try:
            # the connector verifies the request its way (our HMAC by default)
            body = carrier._webhook_body(httprequest)
        except signature.WebhookRefused as error:
            kind = "bad signature" if error.status == 401 else "refused request"
            _logger.warning("tracking webhook: %s (%s): %s", kind, source, error)
            return self._answer(error.status, carrier, error=str(error))
        try:
            with self._ingestion_env() as env:
                counts = carrier.with_env(env)._ingest_body(body, "webhook")
        except PayloadError as error:
            _logger.warning("tracking webhook: rejected body (%s): %s", source, error)
            return self._answer(400, carrier, error=str(error))
        _logger.info(
            "tracking webhook (%s): %s",
            source,
            {k: v for k, v in counts.items() if k != "rejections"},
        )
        return self._answer(200, carrier, **counts)

    @contextmanager
    def _ingestion_env(self):
        """A transaction of its own, committed before the carrier is answered.

        It runs in READ COMMITTED: parallel deliveries of the same events or new
        codes then wait for each other instead of failing with serialization errors
        (``ON CONFLICT`` under REPEATABLE READ fails on rows it cannot see), and
        shipments are locked before their events are read, so each refresh sees all
        committed events.  Events and messages are written as the system.
        """
        with request.env.registry.cursor() as cr:
            set_read_committed(cr)
            # the carrier's events, status map and messages are written as the system
            yield api.Environment(cr, SUPERUSER_ID, {}, su=True)

    def _answer(self, status, carrier=None, **payload):
        if carrier:
            # some carriers expect their own acknowledgement (kuaidi100's "result")
            status, payload = carrier._webhook_answer(status, payload)
        return request.make_response(
            json.dumps(payload),
            headers=[("Content-Type", "application/json")],
            status=status,
        )
