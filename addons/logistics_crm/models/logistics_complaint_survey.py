from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .logistics_complaint import RATER_DIMENSIONS, SATISFACTION_BANDS

# satisfaction bands
SCORE_FIELDS = ["overall_score"] + [f"{key}_score" for key, _label in RATER_DIMENSIONS]


class LogisticsComplaintSurvey(models.Model):
    """The customer's one answer to the satisfaction survey after a complaint."""

    _name = "logistics.complaint.survey"
    _description = "Complaint Satisfaction Survey"
    _order = "answer_date desc, id desc"
    _rec_name = "complaint_id"

    complaint_id = fields.Many2one(
        "logistics.complaint", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="complaint_id.partner_id", store=True, string="Customer")
    answer_date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    overall_score = fields.Integer(string="Overall", required=True, aggregator="avg")
    reliability_score = fields.Integer(string="Reliability", required=True, aggregator="avg")
    assurance_score = fields.Integer(string="Assurance", required=True, aggregator="avg")
    tangibles_score = fields.Integer(string="Tangibles", required=True, aggregator="avg")
    empathy_score = fields.Integer(string="Empathy", required=True, aggregator="avg")
    responsiveness_score = fields.Integer(string="Responsiveness", required=True, aggregator="avg")
    comment = fields.Text()
    score = fields.Float(
        string="Satisfaction Score",
        compute="_compute_score",
        store=True,
        aggregator="avg",
        digits=(3, 2),
        help="Mean of the overall rating and the five RATER ratings, 1 to 5.",
    )
    band = fields.Selection(SATISFACTION_BANDS, compute="_compute_score", store=True)

    _sql_constraints = [
        ("complaint_uniq", "unique(complaint_id)", "A complaint's survey is answered once."),
    ]

    @api.depends(*SCORE_FIELDS)
    def _compute_score(self):
        for survey in self:
            survey.score = round(sum(survey[name] for name in SCORE_FIELDS) / len(SCORE_FIELDS), 2)
            survey.band = self._band(survey.score)

    @api.model
    def _band(self, score):
        if score > 4.5:
            return "satisfied"
        if score >= 4.0:
            return "shortcomings"
        return "dissatisfied"

    @api.constrains(*SCORE_FIELDS)
    def _check_scores(self):
        for survey in self:
            if any(not 1 <= survey[name] <= 5 for name in SCORE_FIELDS):
                raise ValidationError(self.env._("Every rating lies between 1 and 5."))
