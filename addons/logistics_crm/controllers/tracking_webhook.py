import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..tracking import signature
from ..tracking.events import PayloadError
from ..tracking.parsers import MAX_BODY_BYTES

_logger = logging.getLogger(__name__)


class TrackingWebhook(http.Controller):
    """Carriers push tracking events here, signed with the carrier's secret (R-SHIP-2)."""

    @http.route(
        "/logistics/tracking/<string:code>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def receive(self, code, **_kw):
        httprequest = request.httprequest
        source = f"{httprequest.remote_addr} → carrier {code!r}"
        # events and messages are written as the system, not as the public user
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
        body = httprequest.get_data(cache=False)
        try:
            signature.verify(body, carrier.webhook_secret, httprequest.headers.get("X-Signature"))
        except signature.SignatureError as error:
            _logger.warning("tracking webhook: bad signature (%s): %s", source, error)
            return self._answer(401, error=str(error))
        try:
            # a savepoint: a body that fails half-way leaves nothing behind
            with request.env.cr.savepoint():
                counts = carrier._ingest_body(body, "webhook")
        except PayloadError as error:
            _logger.warning("tracking webhook: rejected body (%s): %s", source, error)
            return self._answer(400, error=str(error))
        _logger.info("tracking webhook (%s): %s", source, counts)
        return self._answer(200, **counts)

    def _answer(self, status, **payload):
        return request.make_response(
            json.dumps(payload),
            headers=[("Content-Type", "application/json")],
            status=status,
        )
