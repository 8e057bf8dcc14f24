{
    "name": "Logistics CRM",
    "summary": "Shipments, tracking, complaints and tier SLAs for a logistics provider",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "Logistics CRM Contributors",
    "website": "https://github.com/logistics-crm/odoo-logistics-crm",
    "license": "LGPL-3",
    "depends": ["customer_tiering", "mail", "portal"],
    "external_dependencies": {"python": ["lxml", "requests"]},
    "data": [
        "security/logistics_crm_security.xml",
        # complaints (R-COMP)
        "security/ir.model.access.csv",
        "data/logistics_complaint_data.xml",
        "data/mail_template_complaint_data.xml",
        "views/logistics_complaint_views.xml",
        "views/logistics_complaint_config_views.xml",
        "views/res_partner_complaint_views.xml",
        "views/logistics_complaint_portal_templates.xml",
        # menus last: they reference the actions above
        "views/menus.xml",
    ],
    "installable": True,
    "application": True,
}
