"""The pure packages must stay importable without Odoo (docs/architecture.md)."""

import ast

import pytest
from conftest import PURE_PACKAGES


@pytest.mark.parametrize("folder", PURE_PACKAGES.values(), ids=PURE_PACKAGES.keys())
def test_pure_package_never_imports_odoo(folder):
    offenders = []
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "odoo"]
    assert offenders == []
