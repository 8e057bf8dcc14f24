from odoo import fields, models

from ..engine import credit

GRADE_SELECTION = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]

# grade: (months of revenue as limit, blocks sales, review every n months); the
# score floors are the engine's
DEFAULT_POLICIES = {
    "A": (3.0, False, 12),
    "B": (2.0, False, 6),
    "C": (1.0, False, 6),
    "D": (0.5, False, 3),
    "E": (0.0, True, 1),
}
DEFAULT_GRADES = {
    grade: (credit.DEFAULT_GRADE_FLOORS[grade], *policy)
    for grade, policy in DEFAULT_POLICIES.items()
}


class CustomerCreditGrade(models.Model):
    """What a credit grade means in one company."""

    _name = "customer.credit.grade"
    _description = "Credit Grade Policy"
    _order = "company_id, grade"
    _check_company_auto = True

    policy_id = fields.Many2one("customer.tier.policy", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    grade = fields.Selection(GRADE_SELECTION, required=True)
    min_score = fields.Float(string="From Score", required=True)
    limit_months = fields.Float(
        string="Suggested Limit (months of revenue)",
        help="The suggested credit limit is this many months of the customer's "
        "average monthly revenue.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term", string="Payment Terms", check_company=True
    )
    block_sales = fields.Boolean(
        help="Sale orders of customers with this grade are held until a credit controller "
        "releases them."
    )
    review_months = fields.Integer(string="Review Every (months)", default=6)

    _sql_constraints = [
        ("grade_policy_uniq", "unique(policy_id, grade)", "A grade is defined once per company."),
    ]

    def _create_defaults(self, policy):
        existing = set(policy.credit_grade_ids.mapped("grade"))
        self.create(
            [
                {
                    "policy_id": policy.id,
                    "grade": grade,
                    "min_score": floor,
                    "limit_months": months,
                    "block_sales": blocks,
                    "review_months": review,
                }
                for grade, (floor, months, blocks, review) in DEFAULT_GRADES.items()
                if grade not in existing
            ]
        )
