# ruff: noqa: B018
{
    "name": "Logistics CRM: Example Connector",
    "summary": "A carrier connector added from outside logistics_crm, for its tests",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Logistics CRM Contributors",
    "website": "https://github.com/logistics-crm/odoo-logistics-crm",
    "license": "LGPL-3",
    "depends": ["logistics_crm"],
    "data": [],
    "installable": True,
}
