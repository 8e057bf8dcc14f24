"""Load the addons' pure packages without importing Odoo.

An addon's ``__init__`` imports its models (and so Odoo); its pure package does
not.  Each pure package is loaded on its own under a stable top-level name.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = {
    "customer_tiering_engine": ROOT / "addons" / "customer_tiering" / "engine",
    "logistics_crm_tracking": ROOT / "addons" / "logistics_crm" / "tracking",
}


def _load(name, folder):
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


for _name, _folder in PURE_PACKAGES.items():
    _load(_name, _folder)
sys.path.insert(0, str(ROOT / "tests"))
# the carrier simulator the Odoo tests use is plain Python too
sys.path.insert(0, str(ROOT / "addons" / "logistics_crm" / "tests"))

# test-only Odoo addons: their tests run in Odoo (odoo_suite.py), not under pytest
collect_ignore = ["addons"]
