/** @odoo-module **/

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

function many2one(field, value) {
    return [
        {
            content: `Type ${value} in ${field}`,
            trigger: `.o_field_widget[name=${field}] input`,
            run: `edit ${value}`,
        },
        {
            content: `Pick ${value}`,
            trigger: `ul.ui-autocomplete > li > a:contains("${value}")`,
            run: "click",
        },
    ];
}

// Backend: record the complaint, acknowledge it, propose a solution.
tours.add("logistics_complaint_backend_tour", {
    url: "/odoo/action-logistics_crm.logistics_complaint_action",
    steps: () => [
        {
            content: "Record a new complaint",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Subject",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour: broken seal on arrival",
        },
        ...many2one("partner_id", "Yangtze Electronics"),
        ...many2one("category_id", "Damage"),
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Acknowledge it",
            trigger: "button[name=action_acknowledge]",
            run: "click",
        },
        {
            content: "Now acknowledged",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Acknowledged)",
        },
        {
            content: "Open the solution tab",
            trigger: ".o_notebook a.nav-link:contains(Solution)",
            run: "click",
        },
        {
            content: "Describe the solution",
            trigger: ".o_field_widget[name=solution] textarea",
            run: "edit We replace the damaged goods next week.",
        },
        {
            content: "Propose it to the customer",
            trigger: "button[name=action_propose_solution]",
            run: "click",
        },
        {
            content: "Waiting for the customer",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Solution Proposed)",
        },
    ],
});

// Portal: the customer confirms the proposed solution.
tours.add("logistics_complaint_portal_tour", {
    url: "/my/complaints",
    steps: () => [
        {
            content: "Open the complaint",
            trigger: "tr:contains(Tour: broken seal on arrival) a",
            run: "click",
        },
        {
            content: "The proposed solution is shown",
            trigger: ".o_portal_complaint:contains(We replace the damaged goods next week.)",
        },
        {
            content: "Confirm it",
            trigger: "button.o_complaint_confirm",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_complaint_confirmed",
        },
        {
            // the portal chatter loads after the page: end once it has, so that no
            // request is still running when the browser closes
            content: "The conversation has loaded",
            trigger:
                "#chatterRoot:shadow .o-mail-Message, #chatterRoot:shadow .o-mail-Thread-empty .fs-1",
        },
    ],
});

// Backend: close the confirmed complaint; the survey goes out.
tours.add("logistics_complaint_close_tour", {
    steps: () => [
        {
            content: "Close it",
            trigger: "button[name=action_close]",
            run: "click",
        },
        {
            content: "Closed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Closed)",
        },
    ],
});

// Public: the customer answers the survey from the link in the e-mail.
tours.add("logistics_complaint_survey_tour", {
    steps: () => [
        ...["overall", "reliability", "assurance", "tangibles", "empathy", "responsiveness"].map(
            (name) => ({
                content: `Rate ${name}`,
                trigger: `input[name=${name}_score][value="5"]`,
                run: "click",
            })
        ),
        {
            content: "Comment",
            trigger: "textarea[name=comment]",
            run: "edit Quick and fair, thank you.",
        },
        {
            content: "Send",
            trigger: "button.o_survey_submit",
            run: "click",
        },
        {
            content: "Answer stored",
            trigger: ".o_survey_done",
        },
    ],
});
