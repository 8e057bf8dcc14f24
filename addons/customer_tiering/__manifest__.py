{
    "name": "Customer Tiering",
    "summary": "Value tiers, churn, credit ratings and month-end receivables from ERP data",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "Logistics CRM Contributors",
    "website": "https://github.com/logistics-crm/odoo-logistics-crm",
    "license": "LGPL-3",
    "depends": ["sale", "account"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/customer_tiering_security.xml",
        "security/ir.model.access.csv",
        "views/res_partner_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/customer_tiering_demo.xml",
    ],
    "installable": True,
    "application": False,
}
