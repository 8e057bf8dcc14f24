import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tracking.events import PayloadError
from ..tracking.parsers import MAX_BODY_BYTES

# the counts of the webhook's answer shown to the user
SHOWN_COUNTS = ("received", "stored", "duplicates", "unmatched", "unmapped", "future", "rejected")


class LogisticsTrackingUpload(models.TransientModel):
    """A carrier's file of tracking messages, ingested as the webhook ingests a body.

    Any connector: the file is what the carrier would push (for kuaidi100, the
    ``param`` JSON of a push or a query answer).  A file that is not a document of
    the carrier's format is refused as a whole with the reason, and nothing of it
    is written; a bad item inside a good file is listed and its neighbours stored.
    """

    _name = "logistics.tracking.upload"
    _description = "Upload Tracking File"

    carrier_id = fields.Many2one("logistics.carrier", required=True, ondelete="cascade")
    connector = fields.Selection(related="carrier_id.connector")
    file = fields.Binary(string="File", attachment=False)
    filename = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    received = fields.Integer(readonly=True)
    stored = fields.Integer(readonly=True)
    duplicates = fields.Integer(readonly=True)
    unmatched = fields.Integer(readonly=True)
    unmapped = fields.Integer(readonly=True)
    future = fields.Integer(readonly=True)
    rejected = fields.Integer(readonly=True)
    rejections = fields.Text(string="Refused Items", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "logistics.carrier":
            values.setdefault("carrier_id", self.env.context.get("active_id"))
        return values

    def action_upload(self):
        self.ensure_one()
        self.carrier_id._check_logistics_manager()
        body = self._body()
        carrier = self.carrier_id
        try:
            # one savepoint: a file refused as a whole leaves nothing behind
            with self.env.cr.savepoint():
                # what the webhook's system user writes: events, codes, activities;
                # the user was checked to be a Logistics Manager above
                counts = carrier.sudo()._ingest_body(body, "upload")
        except PayloadError as error:
            raise UserError(
                self.env._(
                    "The file is not in the carrier's format (%(format)s): %(reason)s",
                    format=self._connector_label(),
                    reason=str(error),
                )
            ) from None
        self.write(
            {
                "state": "done",
                **{key: counts.get(key, 0) for key in SHOWN_COUNTS},
                "rejections": "\n".join(
                    f"{item['event']}: {item['reason']}" for item in counts["rejections"]
                ),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Upload Result"),
        }

    def _connector_label(self):
        labels = dict(self._fields["connector"]._description_selection(self.env))
        return labels.get(self.connector, self.connector)

    def _body(self):
        if not self.file:
            raise UserError(self.env._("Choose a file to upload."))
        try:
            body = base64.b64decode(self.file, validate=True)
        except (binascii.Error, ValueError):
            raise UserError(self.env._("The file could not be read.")) from None
        if len(body) > MAX_BODY_BYTES:
            raise UserError(
                self.env._(
                    "The file is %(size)s bytes; at most %(limit)s bytes are accepted.",
                    size=len(body),
                    limit=MAX_BODY_BYTES,
                )
            )
        return body
