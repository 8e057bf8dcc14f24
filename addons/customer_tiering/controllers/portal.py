import logging

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

_logger = logging.getLogger(__name__)

MAX_COMMENT = 2000


class StatementPortal(CustomerPortal):
    """Customers see, confirm or dispute their own statements."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "statement_count" in counters:
            model = request.env["receivable.statement"]
            values["statement_count"] = (
                model.search_count([("state", "!=", "draft")]) if model.has_access("read") else 0
            )
        return values

    def _statement_or_redirect(self, statement_id, access_token):
        try:
            return self._document_check_access("receivable.statement", statement_id, access_token)
        except (AccessError, MissingError):
            return None

    @http.route(["/my/statements"], type="http", auth="user", website=True)
    def portal_my_statements(self, **kw):
        values = self._prepare_portal_layout_values()
        statements = request.env["receivable.statement"].search(
            [("state", "!=", "draft")], order="date_to desc, id desc", limit=200
        )
        values.update({"statements": statements, "page_name": "statement"})
        return request.render("customer_tiering.portal_my_statements", values)

    @http.route(["/my/statements/<int:statement_id>"], type="http", auth="public", website=True)
    def portal_my_statement(
        self, statement_id, access_token=None, report_type=None, download=False, **kw
    ):
        statement = self._statement_or_redirect(statement_id, access_token)
        if statement is None or statement.state == "draft":
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=statement,
                report_type=report_type,
                report_ref="customer_tiering.receivable_statement_report",
                download=download,
            )
        values = self._get_page_view_values(
            statement,
            access_token,
            {"statement": statement, "page_name": "statement", "message": kw.get("message")},
            "my_statements_history",
            False,
        )
        return request.render("customer_tiering.portal_my_statement", values)

    @http.route(
        ["/my/statements/<int:statement_id>/<string:answer>"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_statement_answer(self, statement_id, answer, access_token=None, comment=None, **kw):
        if answer not in ("confirm", "dispute"):
            return request.not_found()
        statement = self._statement_or_redirect(statement_id, access_token)
        if statement is None or statement.state == "draft":
            return request.redirect("/my")
        comment = (comment or "").strip()[:MAX_COMMENT]
        partner = request.env.user.partner_id
        if request.env.user._is_public():
            partner = statement.invoice_partner_id or statement.partner_id
        try:
            statement._customer_answer(answer, partner, comment)
        except UserError as exc:
            _logger.info("Statement %s: answer refused from the portal: %s", statement.id, exc)
            message = "missing_comment"
        else:
            message = answer
        query = f"?message={message}" + (f"&access_token={access_token}" if access_token else "")
        return request.redirect(f"/my/statements/{statement.id}{query}")
