import json
import re
from datetime import date, timedelta

from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.customer_tiering.const import TIER_SELECTION

from .common import LogisticsCommon

DASHBOARDS = {
    "logistics_crm.spreadsheet_dashboard_customer_value": "Customer Value",
    "logistics_crm.spreadsheet_dashboard_service": "Service",
    "logistics_crm.spreadsheet_dashboard_receivables": "Receivables",
}
# PIVOT.VALUE(id, measure, field, value, ...), PIVOT.HEADER(id, field, value, ...)
PIVOT_FORMULA = re.compile(r'PIVOT\.(VALUE|HEADER)\((\d+)((?:,"[^"]*"|,\d+)*)\)')
LIST_FORMULA = re.compile(r'ODOO\.LIST\((\d+),\d+,"([^"]+)"\)')
MENU_LINK = re.compile(r"odoo://ir_menu_xml_id/([\w.]+)")
# a condition per global filter type, as the filter adds it to the domain
FILTER_PROBES = {"date": ">=", "relation": "in", "text": "ilike"}


class DashboardCommon(LogisticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # some of every source, so that the read_groups below group real rows
        cls.customer.user_id = cls.account_manager
        # open at the last two month ends
        cls._invoices(cls.customer, [(date.today() - timedelta(days=70), 50_000.0)])
        cls.env["res.partner"]._recompute_customer_tiers()
        cls._shipment("DASH-1", planned_delivery=cls.now - timedelta(days=1))
        month_end = date.today().replace(day=1) - timedelta(days=1)
        cls.snapshot = cls.env["receivable.snapshot"].create(
            {"date_from": month_end.replace(day=1), "date_to": month_end}
        )
        cls.snapshot.action_compute()


@tagged("post_install", "-at_install")
class TestDashboardData(DashboardCommon):
    """Each dashboard's pivots, lists and charts read fields that exist, with
    domains that search, as the users the dashboard is shown to."""

    def _spreadsheet(self, xmlid):
        dashboard = self.env.ref(xmlid)
        return dashboard, json.loads(dashboard.spreadsheet_data)

    def _users_of(self, dashboard):
        company = self.company_data["company"]
        return [
            new_test_user(
                self.env,
                login=f"dash_{dashboard.id}_{group.id}",
                groups=group.get_external_id()[group.id],
                company_id=company.id,
                company_ids=[company.id],
            )
            for group in dashboard.group_ids
        ]

    def _check_field(self, model, fname):
        base = fname.partition(":")[0]
        self.assertIn(base, self.env[model]._fields, f"{model}.{base}")
        return self.env[model]._fields[base]

    def _check_chain(self, model, chain, expected_type):
        """Each step of a global filter's field chain exists; the last has the type said."""
        for fname in chain.split("."):
            field = self._check_field(model, fname)
            model = field.comodel_name or model
        self.assertEqual(field.type, expected_type, chain)
        return field

    def _check_source(self, env, model, domain, groupbys, measures, filters, matching):
        Model = env[model]
        for fname in groupbys:
            field = self._check_field(model, fname)
            self.assertTrue(field._description_groupable(env), f"{model}.{fname} cannot be grouped")
        aggregates = []
        for fname in measures:
            if fname == "__count":
                aggregates.append("__count")
                continue
            field = self._check_field(model, fname)
            self.assertTrue(field._description_aggregator(env), f"{model}.{fname} cannot be summed")
            aggregates.append(f"{fname}:{field.aggregator}")
        Model.search_count(domain)
        # the query a pivot or a chart runs, under each global filter
        values = {"date": "2020-01-01", "relation": [env.user.id], "text": "gold"}
        for filter_id, match in matching.items():
            kind = filters[filter_id]["type"]
            field = self._check_chain(model, match["chain"], match["type"])
            if kind == "relation":
                self.assertEqual(field.comodel_name, filters[filter_id]["modelName"], match)
            condition = [(match["chain"], FILTER_PROBES[kind], values[kind])]
            Model._read_group(domain + condition, groupbys, aggregates)
        return Model._read_group(domain, groupbys, aggregates)

    def _check_formulas(self, spreadsheet):
        pivots, lists = spreadsheet["pivots"], spreadsheet["lists"]
        for sheet in spreadsheet["sheets"]:
            for ref, cell in sheet["cells"].items():
                content = cell.get("content", "")
                for kind, pivot_id, args in PIVOT_FORMULA.findall(content):
                    self.assertIn(pivot_id, pivots, f"{ref}: {content}")
                    pivot = pivots[pivot_id]
                    args = [arg.strip('"') for arg in args.split(",")[1:]]
                    if kind == "VALUE":
                        measure, args = args[0], args[1:]
                        self.assertIn(measure, [m["fieldName"] for m in pivot["measures"]], ref)
                    dims = [d["fieldName"] for d in pivot["rows"] + pivot["columns"]]
                    for dim in args[::2]:
                        self.assertIn(dim.lstrip("#").partition(":")[0], dims, f"{ref}: {content}")
                for list_id, fname in LIST_FORMULA.findall(content):
                    self.assertIn(list_id, lists, f"{ref}: {content}")
                    self.assertIn(fname, lists[list_id]["columns"], f"{ref}: {content}")
                for menu in MENU_LINK.findall(content):
                    self.assertTrue(self.env.ref(menu, raise_if_not_found=False), menu)
            for figure in sheet["figures"]:
                data = figure["data"]
                for key in ("keyValue", "baseline"):
                    if key in data:
                        sheet_name, _, cell_ref = data[key].rpartition("!")
                        target = next(s for s in spreadsheet["sheets"] if s["name"] == sheet_name)
                        self.assertIn(cell_ref, target["cells"], f"{figure['id']} {key}")

    def test_dashboards_in_the_logistics_group(self):
        logistics = self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_group_logistics")
        for xmlid, name in DASHBOARDS.items():
            dashboard = self.env.ref(xmlid)
            self.assertEqual(dashboard.name, name)
            self.assertEqual(dashboard.dashboard_group_id, logistics)
            self.assertTrue(dashboard.is_published)

    def test_sources_fields_and_domains(self):
        counted = 0
        for xmlid in DASHBOARDS:
            dashboard, spreadsheet = self._spreadsheet(xmlid)
            filters = {f["id"]: f for f in spreadsheet["globalFilters"]}
            self.assertEqual(
                {f["label"] for f in filters.values()},
                {"Period", "Company", "Account Manager", "Tier"},
            )
            self._check_formulas(spreadsheet)
            grouped = []
            for user in self._users_of(dashboard):
                env = self.env(user=user)
                for pivot in spreadsheet["pivots"].values():
                    groupbys = [
                        ":".join(filter(None, [d["fieldName"], d.get("granularity")]))
                        for d in pivot["rows"] + pivot["columns"]
                    ]
                    measures = [m["fieldName"] for m in pivot["measures"]]
                    grouped += self._check_source(
                        env,
                        pivot["model"],
                        pivot["domain"],
                        groupbys,
                        measures,
                        filters,
                        pivot["fieldMatching"],
                    )
                    counted += 1
                for spec in spreadsheet["lists"].values():
                    for fname in spec["columns"] + [o["name"] for o in spec["orderBy"]]:
                        self._check_field(spec["model"], fname)
                    order = ", ".join(
                        f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in spec["orderBy"]
                    )
                    env[spec["model"]].search_read(
                        spec["domain"], spec["columns"], order=order, limit=10
                    )
                    self._check_source(
                        env,
                        spec["model"],
                        spec["domain"],
                        [],
                        ["__count"],
                        filters,
                        spec["fieldMatching"],
                    )
                    counted += 1
                for sheet in spreadsheet["sheets"]:
                    for figure in sheet["figures"]:
                        data = figure["data"]
                        if not data["type"].startswith("odoo_"):
                            continue
                        meta = data["metaData"]
                        grouped += self._check_source(
                            env,
                            meta["resModel"],
                            data["searchParams"]["domain"],
                            meta["groupBy"],
                            [meta["measure"]],
                            filters,
                            data["fieldMatching"],
                        )
                        counted += 1
            # the fixtures' customer, shipment and snapshot show on each dashboard
            self.assertTrue(grouped, dashboard.name)
        # three dashboards, each with several sources
        self.assertGreater(counted, 30)

    def test_tier_filter_offers_the_tiers(self):
        for xmlid in DASHBOARDS:
            _dashboard, spreadsheet = self._spreadsheet(xmlid)
            (tier,) = [f for f in spreadsheet["globalFilters"] if f["label"] == "Tier"]
            self.assertEqual(tier["rangeOfAllowedValues"], "Data!J2:J5")
            data = next(s for s in spreadsheet["sheets"] if s["name"] == "Data")
            offered = [data["cells"][f"J{row}"]["content"] for row in range(2, 6)]
            # best first, as the pyramid reads
            self.assertEqual(offered, [key for key, _label in TIER_SELECTION])

    def test_zero_balance_shows_as_zero(self):
        # a list cell shows a 0 as empty: the balance is added to 0, and only the
        # rows past the list's last customer (no overdue amount) stay empty
        _dashboard, spreadsheet = self._spreadsheet(
            "logistics_crm.spreadsheet_dashboard_receivables"
        )
        cells = spreadsheet["sheets"][0]["cells"]
        balances = {
            ref: cell["content"]
            for ref, cell in cells.items()
            if '"closing_balance")' in cell.get("content", "") and "ODOO.LIST" in cell["content"]
        }
        self.assertEqual(len(balances), 10)
        for ref, content in balances.items():
            row = ref[1:]
            self.assertIn('"overdue_amount")', cells[f"D{row}"]["content"])
            expected = rf'=IF\(D{row}="","",0\+ODOO\.LIST\(2,\d+,"closing_balance"\)\)'
            self.assertRegex(content, f"^{expected}$")

    def test_receivables_for_credit_controllers_only(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        receivables = self.env.ref("logistics_crm.spreadsheet_dashboard_receivables")
        self.assertFalse(
            Dashboard.with_user(self.logistics_user).search([("id", "=", receivables.id)])
        )
        self.assertFalse(
            Dashboard.with_user(self.account_manager).search([("id", "=", receivables.id)])
        )
        self.assertEqual(
            Dashboard.with_user(self.credit_controller).search([("id", "=", receivables.id)]),
            receivables,
        )
        service = self.env.ref("logistics_crm.spreadsheet_dashboard_service")
        self.assertEqual(
            Dashboard.with_user(self.logistics_user).search([("id", "=", service.id)]), service
        )

    def test_latest_snapshot_lines(self):
        Line = self.env["receivable.snapshot.line"]
        older_end = self.snapshot.date_from - timedelta(days=1)
        older = self.env["receivable.snapshot"].create(
            {"date_from": older_end.replace(day=1), "date_to": older_end}
        )
        older.action_compute()
        # a draft snapshot of a later month is not yet a month-end figure
        self.env["receivable.snapshot"].create(
            {"date_from": date.today().replace(day=1), "date_to": date.today()}
        )
        self.assertTrue(self.snapshot.line_ids)
        self.assertTrue(older.line_ids)
        self.assertEqual(Line.search([("in_latest_snapshot", "=", True)]), self.snapshot.line_ids)
        self.assertEqual(
            Line.search([("in_latest_snapshot", "!=", True), ("snapshot_id", "=", older.id)]),
            older.line_ids,
        )
        self.assertTrue(self.snapshot.line_ids[0].in_latest_snapshot)
        self.assertFalse(older.line_ids[0].in_latest_snapshot)


@tagged("post_install", "-at_install")
class TestDashboardTour(DashboardCommon, HttpCase):
    def test_open_the_three_dashboards(self):
        company = self.company_data["company"]
        new_test_user(
            self.env,
            login="dash_viewer",
            groups=(
                "sales_team.group_sale_manager,customer_tiering.group_credit_controller,"
                "logistics_crm.group_logistics_user"
            ),
            company_id=company.id,
            company_ids=[company.id],
        )
        self.start_tour("/odoo", "logistics_dashboards_tour", login="dash_viewer")
