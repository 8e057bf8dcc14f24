/** @odoo-module **/

import { registry } from "@web/core/registry";

// The spreadsheet draws on a canvas: its cells are read from the model of the
// dashboard action, found in the component tree.
function activeDashboard() {
    const pending = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (pending.length) {
        const node = pending.pop();
        const dashboard = node.component.state?.activeDashboard;
        if (dashboard) {
            return dashboard;
        }
        pending.push(...Object.values(node.children));
    }
    return null;
}

// Waits for the dashboard's data and fails on a cell of the ORM left in error.
function checkDashboard(name) {
    return async () => {
        for (let attempt = 0; attempt < 100; attempt++) {
            const dashboard = activeDashboard();
            if (dashboard?.displayName === name && dashboard.model) {
                const getters = dashboard.model.getters;
                // the dashboard and its Data sheet, where the scorecards read
                const cells = getters
                    .getSheetIds()
                    .flatMap((sheetId) => Object.values(getters.getCells(sheetId)))
                    .filter((cell) => /(PIVOT|ODOO)\./.test(cell.content || ""));
                const values = cells.map((cell) =>
                    getters.getEvaluatedCell(getters.getCellPosition(cell.id))
                );
                if (!values.some((value) => value.value === "Loading...")) {
                    const errors = values.filter((value) => value.type === "error");
                    if (!cells.length || errors.length) {
                        throw new Error(
                            `${name}: ${cells.length} data cells, ${errors.length} in error: ` +
                                errors.map((value) => value.message || value.value).join(", ")
                        );
                    }
                    const numbers = values.filter((value) => value.type === "number");
                    if (!numbers.length) {
                        throw new Error(`${name}: no figure computed`);
                    }
                    document.body.classList.add(`o_dashboard_checked_${numbers.length}`);
                    return;
                }
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error(`${name}: the data did not load`);
    };
}

function openDashboard(name) {
    return [
        {
            content: `Open the ${name} dashboard`,
            trigger: `.o_search_panel_category_value[data-name="${name}"]`,
            run: "click",
        },
        {
            content: `${name}: its scorecards`,
            trigger: ".o_spreadsheet_dashboard_action .o-spreadsheet .o-figure",
        },
        {
            content: `${name}: its pivots and lists computed`,
            trigger: `.o_search_panel_category_value.active[data-name="${name}"]`,
            run: checkDashboard(name),
        },
    ];
}

registry.category("web_tour.tours").add("logistics_dashboards_tour", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Dashboards app",
            trigger: '.o_app[data-menu-xmlid="spreadsheet_dashboard.spreadsheet_dashboard_menu_root"]',
            run: "click",
        },
        {
            content: "The Logistics group",
            trigger: ".o_spreadsheet_dashboard_search_panel header:contains(Logistics)",
            // the spreadsheet bundle loads first, built on the first visit
            timeout: 60000,
        },
        ...openDashboard("Customer Value"),
        ...openDashboard("Service"),
        ...openDashboard("Receivables"),
    ],
});
