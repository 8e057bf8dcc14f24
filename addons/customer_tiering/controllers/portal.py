import logging

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

_logger = logging.getLogger(__name__)

MAX_COMMENT = 2000


class DocumentPortal(CustomerPortal):
    """What the portal pages of these addons share: the counters on /my, access
    by ownership or link, and who answers a document."""

    def _portal_counted_models(self):
        """{counter: (model, domain)} for /my; each page adds its own with super()."""
        return {}

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        for counter, (model_name, domain) in self._portal_counted_models().items():
            if counter in counters:
                model = request.env[model_name]
                values[counter] = model.search_count(domain) if model.has_access("read") else 0
        return values

    def _document_or_none(self, model_name, record_id, access_token=None):
        """The record when the visitor may see it (their own, or a valid link), else None."""
        try:
            return self._document_check_access(model_name, record_id, access_token)
        except (AccessError, MissingError):
            return None

    def _render_document(self, document, access_token, template, history, values):
        """A document's portal page, with the previous/next links of its list."""
        values = self._get_page_view_values(document, access_token, values, history, False)
        return request.render(template, values)

    def _answering_partner(self, contact):
        """The logged-in customer, or the document's contact for a visitor by link."""
        user = request.env.user
        return contact if user._is_public() else user.partner_id

    def _redirect_with_message(self, url, message, access_token=None):
        query = f"?message={message}" + (f"&access_token={access_token}" if access_token else "")
        return request.redirect(f"{url}{query}")


class StatementPortal(DocumentPortal):
    """Customers see, confirm or dispute their own statements."""

    def _portal_counted_models(self):
        counted = super()._portal_counted_models()
        counted["statement_count"] = ("receivable.statement", [("state", "!=", "draft")])
        return counted

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
        statement = self._document_or_none("receivable.statement", statement_id, access_token)
        if statement is None or statement.state == "draft":
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=statement,
                report_type=report_type,
                report_ref="customer_tiering.receivable_statement_report",
                download=download,
            )
        return self._render_document(
            statement,
            access_token,
            "customer_tiering.portal_my_statement",
            "my_statements_history",
            {"statement": statement, "page_name": "statement", "message": kw.get("message")},
        )

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
        statement = self._document_or_none("receivable.statement", statement_id, access_token)
        if statement is None or statement.state == "draft":
            return request.redirect("/my")
        comment = (comment or "").strip()[:MAX_COMMENT]
        partner = self._answering_partner(statement.invoice_partner_id or statement.partner_id)
        try:
            statement._customer_answer(answer, partner, comment)
        except UserError as exc:
            _logger.info("Statement %s: answer refused from the portal: %s", statement.id, exc)
            message = "missing_comment"
        else:
            message = answer
        return self._redirect_with_message(f"/my/statements/{statement.id}", message, access_token)
