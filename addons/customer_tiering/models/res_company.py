from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import aging

DEFAULT_BUCKET_EDGES = ",".join(str(edge) for edge in aging.DEFAULT_EDGES)


class ResCompany(models.Model):
    _inherit = "res.company"

    # one set of aging buckets per company: the 360, the credit rating, the
    # collection activities and new month-end snapshots all age by them
    receivable_bucket_edges = fields.Char(
        string="Aging Bucket Edges (days)",
        default=DEFAULT_BUCKET_EDGES,
        required=True,
        help="Last overdue day of each aging bucket, ascending, separated by commas "
        "(at most six): 30,60,90,120 gives not due, 1-30, 31-60, 61-90, 91-120 and over 120.",
    )

    @api.constrains("receivable_bucket_edges")
    def _check_receivable_bucket_edges(self):
        for company in self:
            company._receivable_edges()

    def _receivable_edges(self):
        """The company's bucket edges as a tuple of days."""
        self.ensure_one()
        return self._parse_bucket_edges(self.receivable_bucket_edges)

    @api.model
    def _parse_bucket_edges(self, text):
        """'30,60,90' -> (30, 60, 90); a clear error for anything else."""
        try:
            edges = aging.parse_edges(text or "")
        except ValueError as exc:
            raise ValidationError(self.env._("Bucket edges: %(error)s", error=exc.args[0])) from exc
        if len(edges) > aging.MAX_EDGES:
            raise ValidationError(
                self.env._("At most %(count)s bucket edges.", count=aging.MAX_EDGES)
            )
        return edges

    @api.model
    def _bucket_labels(self, edges):
        """Translated bucket titles: Not due, 1-30, ..., Over 120."""
        labels = []
        for bucket in aging.buckets(edges):
            if bucket.low is None:
                labels.append(self.env._("Not due"))
            elif bucket.high is None:
                labels.append(self.env._("Over %(days)s", days=bucket.low - 1))
            else:
                labels.append(f"{bucket.low}-{bucket.high}")
        return labels
