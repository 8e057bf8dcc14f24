from odoo import http
from odoo.http import request

from odoo.addons.customer_tiering.controllers.portal import DocumentPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20
MAX_LOOKUP = 64


class ShipmentPortal(DocumentPortal):
    """Customers follow their own shipments."""

    def _portal_counted_models(self):
        counted = super()._portal_counted_models()
        counted["shipment_count"] = ("logistics.shipment", [])
        return counted

    def _shipment_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("On the Way"),
                "domain": [("milestone", "not in", ("delivered", "returned"))],
            },
            "delivered": {
                "label": request.env._("Delivered"),
                "domain": [("milestone", "=", "delivered")],
            },
            "exception": {
                "label": request.env._("Exception"),
                "domain": [("milestone", "=", "exception")],
            },
        }

    @http.route(
        ["/my/shipments", "/my/shipments/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_shipments(self, page=1, filterby="all", search=None, **kw):
        Shipment = request.env["logistics.shipment"]
        filters = self._shipment_filters()
        filterby = filterby if filterby in filters else "all"
        domain = list(filters[filterby]["domain"])
        search = (search or "").strip()[:MAX_LOOKUP]
        if search:
            # the tracking-number lookup, within the customer's own shipments
            domain += ["|", ("tracking_ref", "ilike", search), ("name", "ilike", search)]
        count = Shipment.search_count(domain)
        pager = portal_pager(
            url="/my/shipments",
            url_args={"filterby": filterby, "search": search},
            total=count,
            page=page,
            step=PAGE_SIZE,
        )
        shipments = Shipment.search(domain, limit=PAGE_SIZE, offset=pager["offset"])
        if search and count == 1:
            return request.redirect(shipments.get_portal_url())
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "shipments": shipments,
                "page_name": "shipment",
                "pager": pager,
                "default_url": "/my/shipments",
                "searchbar_filters": {k: {"label": v["label"]} for k, v in filters.items()},
                "filterby": filterby,
                "search": search,
            }
        )
        return request.render("logistics_crm.portal_my_shipments", values)

    @http.route(["/my/shipments/<int:shipment_id>"], type="http", auth="public", website=True)
    def portal_my_shipment(self, shipment_id, access_token=None, **kw):
        shipment = self._document_or_none("logistics.shipment", shipment_id, access_token)
        if shipment is None:
            return request.redirect("/my")
        # access to the shipment was checked above; its events are read with it
        events = shipment.sudo().event_ids
        # the customer sees the events that count: not retracted, not yet to come
        events = events.filtered(lambda e: not e.retracted and not e.is_future).sorted(
            lambda e: (e.event_time, e.id), True
        )
        return self._render_document(
            shipment,
            access_token,
            "logistics_crm.portal_my_shipment",
            "my_shipments_history",
            {"shipment": shipment, "events": events, "page_name": "shipment"},
        )
