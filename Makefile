# make test   pure tests (pytest) + the Odoo suite when an `odoo` command exists
# make lint   ruff + pylint-odoo through pre-commit
# make run    a local database with both addons and demo data on http://localhost:8069
# make bench  the benchmarks in tests/bench/ (needs an `odoo` command)

PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
DB ?= logistics_demo
ADDONS := customer_tiering,logistics_crm

.PHONY: test test-pure test-odoo lint run bench clean

test: test-pure test-odoo

$(VENV)/.installed: requirements-test.txt requirements-lint.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements-test.txt -r requirements-lint.txt
	touch $@

# pytest's exit code 5 means it collected nothing: that is a failure here.
test-pure: $(VENV)/.installed
	@$(VPY) -m pytest tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; fi; exit $$rc

test-odoo:
	$(PYTHON) tests/odoo_suite.py

lint: $(VENV)/.installed
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

run:
	@command -v odoo >/dev/null || { echo "make run needs an odoo command on PATH; or use docker compose (README)"; exit 1; }
	odoo --addons-path=$(CURDIR)/addons -d $(DB) -i $(ADDONS) --db-filter='^$(DB)$$' --http-port=8069

bench:
	$(PYTHON) tests/bench/run_all.py

clean:
	rm -rf $(VENV) .odoo-test-logs .pytest_cache .ruff_cache .hypothesis
