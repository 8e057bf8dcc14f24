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


def test_without_odoo_a_user_machine_skips_and_ci_fails(monkeypatch, capsys):
    monkeypatch.setattr(odoo_suite, "find_odoo", lambda: None)
    monkeypatch.delenv("ODOO_SUITE_REQUIRED", raising=False)
    assert odoo_suite.main([]) == 0
    assert capsys.readouterr().out.startswith("Odoo suite skipped:")
    monkeypatch.setenv("ODOO_SUITE_REQUIRED", "1")
    assert odoo_suite.main([]) == 1
    assert "required here" in capsys.readouterr().out
