"""The runner must fail on what a real Odoo log says went wrong."""

import odoo_suite

HEAD = "2026-11-23 10:00:00,123 4242 "


def judge(*messages):
    return odoo_suite.judge_log([HEAD + m + "\n" for m in messages])


def test_clean_run():
    verdict = judge(
        "INFO db odoo.tests.stats: customer_tiering: 12 tests",
        "INFO db odoo.tests.result: 0 failed, 0 error(s) of 12 tests when loading database 'db'",
    )
    assert verdict.results == [(0, 0, 12)] and verdict.problems == [] and verdict.failed == 0


def test_failures_and_errors_counted():
    verdict = judge(
        "INFO db odoo.tests.result: 1 failed, 2 error(s) of 9 tests when loading database 'db'"
    )
    assert verdict.failed == 3


def test_error_lines_are_problems():
    verdict = judge("ERROR db odoo.addons.customer_tiering.tests.test_x: FAIL: test_y")
    assert len(verdict.problems) == 1


def test_missing_access_and_invalid_view_warnings_are_problems():
    verdict = judge(
        "WARNING db odoo.modules.loading: The models ['x.y'] have no access rules in module x, consider adding some",
        "WARNING db odoo.addons.base.models.ir_ui_view: Invalid view definition",
    )
    assert len(verdict.problems) == 2


def test_our_warnings_are_problems_but_others_are_not():
    verdict = judge(
        "WARNING db odoo.addons.logistics_crm.models.x: something odd",
        "WARNING ? odoo.service.server: Running as user 'root' is a security risk.",
    )
    assert len(verdict.problems) == 1
