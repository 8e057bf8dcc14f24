{
    "name": "Logistics CRM",
    "summary": "Shipments, tracking, complaints and tier SLAs for a logistics provider",
    "version": "18.0.1.6.0",
    "category": "Sales/CRM",
    "author": "Logistics CRM Contributors",
    "website": "https://github.com/logistics-crm/odoo-logistics-crm",
    "license": "LGPL-3",
    "depends": ["customer_tiering", "mail", "portal"],
    "external_dependencies": {"python": ["lxml", "requests"]},
    "data": [
        "security/logistics_crm_security.xml",
        "security/ir.model.access.csv",
        "data/logistics_status_category_data.xml",
        "data/logistics_crm_data.xml",
        "data/mail_template_data.xml",
        "views/logistics_shipment_views.xml",
        # the upload action first: the carrier form's button opens it
        "views/logistics_tracking_upload_views.xml",
        "views/logistics_carrier_views.xml",
        # both extend the partner form; on update the form is checked as each file
        # loads, with the other's stored view: the complaints one goes first
        "views/res_partner_complaint_views.xml",
        "views/res_partner_views.xml",
        "views/logistics_shipment_portal_templates.xml",
        # complaints
        "data/logistics_complaint_data.xml",
        "data/mail_template_complaint_data.xml",
        "views/logistics_complaint_views.xml",
        "views/logistics_complaint_config_views.xml",
        "views/logistics_complaint_portal_templates.xml",
        "views/logistics_shipment_claim_views.xml",
        # dashboards
        "report/logistics_service_report_views.xml",
        "views/dashboard_views.xml",
        # menus last: they reference the actions above
        "views/menus.xml",
    ],
    "demo": [
        "demo/logistics_crm_demo.xml",
        # complaints, after the shipments they refer to
        "demo/logistics_complaint_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            # complaints
            "logistics_crm/static/tests/tours/logistics_complaint_tour.js",
            "logistics_crm/static/tests/tours/logistics_story_tour.js",
        ],
    },
    "installable": True,
    "application": True,
}
