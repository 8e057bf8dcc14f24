import base64
import logging

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.customer_tiering.controllers.portal import DocumentPortal

from ..models.logistics_complaint import RATER_DIMENSIONS
from ..models.logistics_complaint_survey import SCORE_FIELDS

_logger = logging.getLogger(__name__)

MAX_SUBJECT = 200
MAX_TEXT = 5000
MAX_COMMENT = 2000
MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024


class ComplaintPortal(DocumentPortal):
    """Customers file complaints, follow them, confirm solutions and rate us."""

    def _portal_counted_models(self):
        counted = super()._portal_counted_models()
        counted["complaint_count"] = ("logistics.complaint", [])
        return counted

    # -- list, detail, confirmation -------------------------------------------

    @http.route(["/my/complaints"], type="http", auth="user", website=True)
    def portal_my_complaints(self, **kw):
        values = self._prepare_portal_layout_values()
        complaints = request.env["logistics.complaint"].search(
            [], order="date desc, id desc", limit=200
        )
        values.update({"complaints": complaints, "page_name": "complaint"})
        return request.render("logistics_crm.portal_my_complaints", values)

    @http.route(["/my/complaints/<int:complaint_id>"], type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, message=None, **kw):
        complaint = self._document_or_none("logistics.complaint", complaint_id, access_token)
        if complaint is None:
            return request.redirect("/my")
        return self._render_document(
            complaint,
            access_token,
            "logistics_crm.portal_my_complaint",
            "my_complaints_history",
            {"complaint": complaint, "page_name": "complaint", "message": message},
        )

    @http.route(
        ["/my/complaints/<int:complaint_id>/confirm"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_complaint_confirm(self, complaint_id, access_token=None, **kw):
        complaint = self._document_or_none("logistics.complaint", complaint_id, access_token)
        if complaint is None:
            return request.redirect("/my")
        partner = self._answering_partner(complaint.contact_id or complaint.partner_id)
        try:
            # portal users may not write complaints; the link or token was checked above
            complaint.sudo()._customer_confirm(partner)
        except UserError as exc:
            _logger.info(
                "Complaint %s: confirmation refused from the portal: %s", complaint.id, exc
            )
            message = "not_confirmable"
        else:
            message = "confirmed"
        return self._redirect_with_message(f"/my/complaints/{complaint.id}", message, access_token)

    # -- filing a complaint ---------------------------------------------------

    def _complaint_form_values(self, **extra):
        # the form offers every category, whichever company the visitor belongs to
        categories = request.env["logistics.complaint.category"].sudo().search([])
        # the record rules limit a portal user to their own shipments
        shipments = request.env["logistics.shipment"].search([], limit=200)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "categories": categories,
                "shipments": shipments,
                "page_name": "complaint_new",
                "errors": {},
                "form": {},
            }
        )
        values.update(extra)
        return values

    @http.route(["/my/complaints/new"], type="http", auth="user", methods=["GET"], website=True)
    def portal_complaint_new(self, **kw):
        return request.render("logistics_crm.portal_complaint_new", self._complaint_form_values())

    @http.route(["/my/complaints/new"], type="http", auth="user", methods=["POST"], website=True)
    def portal_complaint_create(self, **post):
        values, errors = self._validate_complaint_form(post)
        files = request.httprequest.files.getlist("attachments")
        files = [f for f in files if f and f.filename]
        if len(files) > MAX_FILES:
            errors["attachments"] = request.env._("At most %s files.", MAX_FILES)
        attachments = []
        for upload in files[:MAX_FILES]:
            content = upload.read(MAX_FILE_SIZE + 1)
            if len(content) > MAX_FILE_SIZE:
                errors["attachments"] = request.env._("A file may have at most 10 MB.")
                break
            attachments.append((upload.filename[:200], content, upload.mimetype))
        if errors:
            _logger.info("Portal complaint of user %s refused: %s", request.env.uid, sorted(errors))
            return request.render(
                "logistics_crm.portal_complaint_new",
                self._complaint_form_values(errors=errors, form=post),
            )
        complaint = self._create_portal_complaint(values, attachments)
        return request.redirect(f"/my/complaints/{complaint.id}?message=filed")

    def _validate_complaint_form(self, post):
        """Checked values for the complaint, and errors by field name."""
        _ = request.env._
        errors = {}
        name = (post.get("name") or "").strip()
        description = (post.get("description") or "").strip()
        if not name:
            errors["name"] = _("Give your complaint a subject.")
        elif len(name) > MAX_SUBJECT:
            errors["name"] = _("The subject is too long.")
        if not description:
            errors["description"] = _("Tell us what happened.")
        elif len(description) > MAX_TEXT:
            errors["description"] = _("The description is too long.")
        # any category of the form may be chosen, whichever company the visitor belongs to
        category = request.env["logistics.complaint.category"].sudo()
        try:
            category = category.browse(int(post.get("category_id") or 0)).exists()
        except ValueError:
            category = category.browse()
        if not category or not category.active:
            errors["category_id"] = _("Choose what the complaint is about.")
        try:
            claimed = float(post.get("claimed_amount") or 0.0)
        except ValueError:
            claimed = -1.0
        if not 0.0 <= claimed < 1e9:
            errors["claimed_amount"] = _("Enter the claimed amount as a positive number.")
        values = {
            "name": name,
            "description": description,
            "category_id": category.id,
            "claimed_amount": max(claimed, 0.0),
        }
        values.update(self._validate_complaint_links(post, errors))
        return values, errors

    def _validate_complaint_links(self, post, errors):
        """The shipment the complaint is about: optional, and only one of the customer's."""
        if not post.get("shipment_id"):
            return {}
        commercial = request.env.user.partner_id.commercial_partner_id
        # read as the system, then refused below unless it is the customer's own
        shipment = request.env["logistics.shipment"].sudo()
        try:
            shipment = shipment.browse(int(post["shipment_id"])).exists()
        except ValueError:
            shipment = shipment.browse()
        if not shipment or shipment.commercial_partner_id != commercial:
            errors["shipment_id"] = request.env._("Choose one of your shipments.")
            return {}
        return {
            "shipment_id": shipment.id,
            "sale_order_id": shipment.sale_order_id.id,
        }

    def _create_portal_complaint(self, values, attachments):
        """Create the complaint for the logged-in customer; values are validated already."""
        user = request.env.user
        # portal users may not create complaints; the values were validated by the caller
        complaint = (
            request.env["logistics.complaint"]
            .sudo()  # portal users may not create complaints
            .with_company(user.company_id)
            .create(
                {
                    **values,
                    "partner_id": user.partner_id.commercial_partner_id.id,
                    "contact_id": user.partner_id.id,
                    "channel": "portal",
                    "company_id": user.company_id.id,
                }
            )
        )
        complaint.message_subscribe(partner_ids=user.partner_id.ids)
        # the files belong to the complaint just created, which the customer may not write
        records = (
            request.env["ir.attachment"]
            .sudo()  # attached to a complaint the customer may not write
            .create(
                [
                    {
                        "name": filename,
                        "datas": base64.b64encode(content),
                        "mimetype": mimetype,
                        "res_model": complaint._name,
                        "res_id": complaint.id,
                    }
                    for filename, content, mimetype in attachments
                ]
            )
        )
        complaint.message_post(
            body=request.env._("Complaint filed from the customer portal."),
            author_id=user.partner_id.id,
            attachment_ids=records.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return complaint

    # -- satisfaction survey --------------------------------------------------

    def _survey_complaint(self, complaint_id, token):
        # the survey link carries a token instead of a login: it is checked just below
        complaint = request.env["logistics.complaint"].sudo().browse(complaint_id).exists()
        if (
            not complaint
            or not token
            or not complaint.survey_token
            or not consteq(complaint.survey_token, token)
            or complaint.stage != "closed"
        ):
            return None
        lang = (complaint.contact_id or complaint.partner_id).lang
        if request.env.user._is_public() and lang in dict(request.env["res.lang"].get_installed()):
            # a visitor without a login came by the survey email: the page speaks its language
            request.update_context(lang=lang)
            complaint = complaint.with_context(lang=lang)
        return complaint

    def _survey_values(self, complaint, token, **extra):
        return {
            "complaint": complaint,
            "token": token,
            "dimensions": RATER_DIMENSIONS,
            "errors": {},
            "form": {},
            **extra,
        }

    @http.route(
        ["/complaint/survey/<int:complaint_id>"],
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def complaint_survey(self, complaint_id, token=None, **kw):
        complaint = self._survey_complaint(complaint_id, token)
        if complaint is None:
            raise request.not_found()
        return request.render(
            "logistics_crm.complaint_survey_page", self._survey_values(complaint, token)
        )

    @http.route(
        ["/complaint/survey/<int:complaint_id>"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def complaint_survey_answer(self, complaint_id, token=None, **post):
        complaint = self._survey_complaint(complaint_id, token)
        if complaint is None:
            raise request.not_found()
        if complaint.survey_ids:
            return request.render(
                "logistics_crm.complaint_survey_page",
                self._survey_values(complaint, token),
                status=403,
            )
        answer, errors = self._validate_survey(post)
        if errors:
            return request.render(
                "logistics_crm.complaint_survey_page",
                self._survey_values(complaint, token, errors=errors, form=post),
                status=400,
            )
        try:
            complaint._record_survey_answer(answer)
        except (UserError, ValidationError) as exc:
            _logger.info("Complaint %s: survey answer refused: %s", complaint.id, exc)
            return request.render(
                "logistics_crm.complaint_survey_page",
                self._survey_values(complaint, token),
                status=403,
            )
        return request.render(
            "logistics_crm.complaint_survey_page", self._survey_values(complaint, token)
        )

    def _validate_survey(self, post):
        errors = {}
        answer = {}
        for name in SCORE_FIELDS:
            try:
                score = int(post.get(name) or 0)
            except ValueError:
                score = 0
            if not 1 <= score <= 5:
                errors[name] = True
            answer[name] = score
        answer["comment"] = (post.get("comment") or "").strip()[:MAX_COMMENT]
        return answer, errors
