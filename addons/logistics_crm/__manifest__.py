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
        "views/menus.xml",
    ],
    "installable": True,
    "application": True,
}
