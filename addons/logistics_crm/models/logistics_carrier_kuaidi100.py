import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tracking import kuaidi100, polling, signature
from ..tracking.events import PayloadError


class LogisticsCarrier(models.Model):
    """快递100 (kuaidi100): subscription to pushes, the push itself, the query API.

    One carrier per courier company kuaidi100 tracks (its ``com`` code): shipments
    are subscribed when created or renumbered, kuaidi100 pushes to
    ``/logistics/tracking/<code>`` signed with the carrier's salt, and the polling
    URL (the query API) is asked when pushes do not come.
    """

    _inherit = "logistics.carrier"

    connector = fields.Selection(
        selection_add=[("kuaidi100", "快递100 (Kuaidi100)")],
        ondelete={"kuaidi100": "set default"},
    )
    kuaidi100_company = fields.Char(
        string="Kuaidi100 Company Code",
        help="The courier's code at kuaidi100 (com), e.g. shunfeng, yuantong, zhongtong.",
    )
    kuaidi100_customer = fields.Char(
        string="Kuaidi100 Customer",
        groups="logistics_crm.group_logistics_manager",
        copy=False,
        help="The customer id of the kuaidi100 enterprise account, for the query API.",
    )
    kuaidi100_key = fields.Char(
        string="Kuaidi100 Key",
        groups="logistics_crm.group_logistics_manager",
        copy=False,
        help="The authorisation key of the kuaidi100 account: subscriptions and queries.",
    )
    kuaidi100_salt = fields.Char(
        string="Kuaidi100 Salt",
        groups="logistics_crm.group_logistics_manager",
        copy=False,
        default=lambda self: secrets.token_hex(16),
        help="Given with each subscription; kuaidi100 signs its pushes with it "
        "(sign = MD5 of param and salt). Pushes without the right sign are refused.",
    )
    kuaidi100_subscribe_url = fields.Char(
        string="Kuaidi100 Subscription URL",
        default=kuaidi100.SUBSCRIBE_URL,
        help="Where tracking numbers are subscribed to pushes.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # kuaidi100 carriers fall back to the query API unless told otherwise
            if vals.get("connector") == "kuaidi100" and "endpoint" not in vals:
                vals["endpoint"] = kuaidi100.QUERY_URL
        return super().create(vals_list)

    def _due_domain_sql(self, force=False):
        """A subscribed shipment pushed to within the poll interval is not asked again.

        The query API is the fallback for pushes that do not come (and each query
        costs): shipments not subscribed, or whose last push is older than the
        interval, stay due.  "Poll Now" asks them all.
        """
        due = super()._due_domain_sql(force)
        if self.connector != "kuaidi100" or force:
            return due
        since = fields.Datetime.now() - timedelta(minutes=self.poll_interval)
        return SQL(
            """%s AND (subscription_state IS DISTINCT FROM 'subscribed' OR NOT EXISTS (
                   SELECT 1 FROM logistics_shipment_event pushed
                    WHERE pushed.shipment_id = logistics_shipment.id
                      AND pushed.source = 'webhook' AND pushed.create_date >= %s))""",
            due,
            since,
        )

    def _kuaidi100_parse(self, body):
        return kuaidi100.parse(body)

    def _kuaidi100_default_status_map(self):
        return kuaidi100.DEFAULT_STATUS_MAP

    def _kuaidi100_poll_request(self, shipment):
        """A POST of the query form: the answer is the same object a push carries."""
        self._kuaidi100_check_account()
        form = kuaidi100.query_form(
            self.kuaidi100_company, shipment.tracking_ref, self.kuaidi100_key,
            self.kuaidi100_customer,
        )  # fmt: skip
        return self.endpoint, {"Accept": "application/json"}, form

    def _kuaidi100_webhook_body(self, httprequest):
        """The ``param`` of a push whose ``sign`` is right under the carrier's salt."""
        if httprequest.mimetype not in signature.FORM_TYPES:
            raise signature.MediaTypeError("kuaidi100 pushes are form-encoded (param, sign)")
        form = httprequest.form
        param, sign = form.get("param"), form.get("sign")
        if not param:
            raise signature.WebhookRefused("the push has no param field")
        if not self.kuaidi100_salt:
            raise signature.SignatureError("the carrier has no kuaidi100 salt configured")
        if not kuaidi100.verify_push(param, sign, self.kuaidi100_salt):
            raise signature.SignatureError("sign is not MD5(param + salt) under the carrier's salt")
        return param.encode()

    def _kuaidi100_webhook_answer(self, status, payload):
        """kuaidi100 pushes again unless told ``result: true``; a refusal says why."""
        if status == 200:
            return 200, dict(kuaidi100.PUSH_ANSWER)
        message = str(payload.get("error", ""))[:200]
        return status, {"result": False, "returnCode": str(status), "message": message}

    def _kuaidi100_subscribe(self, shipment, session):
        """Subscribe one tracking number to pushes; ``FetchError`` when it is not."""
        self._kuaidi100_check_account(query=False)
        form = kuaidi100.subscribe_form(
            self.kuaidi100_company,
            shipment.tracking_ref,
            self.kuaidi100_key,
            f"{self.get_base_url()}/logistics/tracking/{self.code}",
            self.kuaidi100_salt,
        )
        answer = polling.fetch(
            session,
            self.kuaidi100_subscribe_url or kuaidi100.SUBSCRIBE_URL,
            headers={"Accept": "application/json"},
            timeout=self.timeout,
            retries=self.max_retries,
            allow_http=self.is_test_carrier,
            form=form,
        )
        accepted, message = kuaidi100.subscribe_outcome(answer)
        if not accepted:
            raise polling.FetchError(f"kuaidi100 refused the subscription: {message}")

    def _kuaidi100_check_account(self, query=True):
        needed = [("company code", self.kuaidi100_company), ("key", self.kuaidi100_key)]
        if query:
            needed.append(("customer", self.kuaidi100_customer))
        missing = [label for label, value in needed if not value]
        if missing:
            # a PayloadError is recorded on the shipment like any failed poll
            raise PayloadError(f"the kuaidi100 account lacks its {', '.join(missing)}")
