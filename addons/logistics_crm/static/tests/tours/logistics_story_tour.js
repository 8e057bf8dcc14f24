/** @odoo-module **/

import { registry } from "@web/core/registry";

// The README's walk through the demo: a rising customer, its held order released,
// its late shipment, its complaint closed, and the month-end snapshot.
registry.category("web_tour.tours").add("logistics_story_tour", {
    steps: () => [
        {
            content: "The customer's standing, at the top of its form",
            trigger: ".o_customer_360 .badge:contains(Rising)",
        },
        {
            content: "What it owes, by days overdue",
            trigger: ".o_customer_360_receivables:contains(Outstanding)",
        },
        {
            content: "Open its value",
            trigger: "a[name=customer_value]",
            run: "click",
        },
        {
            content: "Both scores explained factor by factor",
            trigger: ".o_tier_breakdown",
        },
        {
            content: "More of its smart buttons",
            trigger: ".o-form-buttonbox .o_button_more",
            run: "click",
        },
        {
            content: "Its order on credit hold",
            trigger: "button[name=action_open_held_orders]:visible",
            run: "click",
        },
        {
            content: "Open the order",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Why it is held",
            trigger: ".alert-danger:contains(Credit hold)",
        },
        {
            content: "Release it",
            trigger: "button:contains(Release Credit Hold)",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea, .modal .o_field_widget[name=reason] input",
            run: "edit Long-standing customer, pays on time",
        },
        {
            content: "Release",
            trigger: ".modal button[name=action_release]",
            run: "click",
        },
        {
            content: "Released, for this amount",
            trigger: ".alert-info:contains(Released by)",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_statusbar button[name=action_confirm]:visible",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Sales Order)",
        },
        {
            content: "Back to the customer",
            trigger: ".o_breadcrumb a:contains(Story Rising Trading)",
            run: "click",
        },
        {
            content: "Its shipments",
            trigger: ".o-form-buttonbox button[name=action_view_shipments]:visible",
            run: "click",
        },
        {
            content: "The late one",
            trigger: ".o_kanban_record:contains(STORY-1)",
            run: "click",
        },
        {
            content: "Late against its plan",
            trigger: ".o_field_widget[name=health] .badge:contains(Late)",
        },
        {
            content: "Its timeline",
            trigger: ".o_field_widget[name=event_ids] .o_data_row:contains(Ningbo hub)",
        },
        {
            content: "Back to the customer",
            trigger: ".o_breadcrumb a:contains(Story Rising Trading)",
            run: "click",
        },
        {
            content: "Its complaints",
            trigger: ".o-form-buttonbox button[name=action_view_complaints]:contains(Open Complaints):visible",
            run: "click",
        },
        {
            content: "The confirmed one",
            trigger: ".o_data_row:contains(Story: crushed pallet) .o_data_cell",
            run: "click",
        },
        {
            content: "Close it: the survey goes out",
            trigger: "button[name=action_close]",
            run: "click",
        },
        {
            content: "Closed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Closed)",
        },
        {
            content: "Month end",
            trigger: "body",
            run() {
                window.location.href = "/odoo/finance-snapshots";
            },
        },
        {
            content: "Last month's snapshot",
            trigger: ".o_data_row .o_data_cell",
            run: "click",
        },
        {
            content: "Compute it",
            trigger: "button[name=action_compute]:visible",
            run: "click",
        },
        {
            content: "It ties to the ledger",
            trigger: ".o_field_widget[name=tie_out_ok] input:checked",
        },
        {
            content: "Close the month",
            trigger: "button[name=action_close]:visible",
            run: "click",
        },
        {
            content: "Yes, close it for good",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Closed: it cannot change any more",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Closed)",
        },
        {
            content: "Ready to export",
            trigger: "button[name=action_export_xlsx]:visible",
        },
    ],
});
