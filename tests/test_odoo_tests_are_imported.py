"""Odoo runs only the test modules a tests package imports: a forgotten import is a
test that silently never runs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(
    path.parent for path in ROOT.glob("**/addons/*/tests/__init__.py") if ".venv" not in path.parts
)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_test_module_is_imported(package):
    imported = set(
        re.findall(r"^from \. import (\w+)", (package / "__init__.py").read_text(), re.M)
    )
    modules = {path.stem for path in package.glob("test_*.py")}
    assert modules - imported == set()


def test_the_addons_have_tests():
    assert len(PACKAGES) >= 3
