# make test   pure tests (pytest) + the Odoo suite when an `odoo` command exists
# make lint   ruff + pylint-odoo through pre-commit
# make run    a local database with both addons and demo data on http://localhost:8069
# make bench  the benchmarks in tests/bench/, growth curve included (needs an `odoo` command;
#             BENCH_ARGS= leaves the growth part, about half of the hour, out)
# make pot    regenerates addons/*/i18n/<addon>.pot with Odoo's exporter (needs an `odoo` command)

PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
DB ?= logistics_demo
POT_DB ?= logistics_pot
ADDONS := customer_tiering,logistics_crm
BENCH_ARGS ?= --growth
comma := ,

.PHONY: test test-pure test-odoo lint run bench pot clean

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

# the templates come from a fresh database without demo data: demo records are no terms
pot:
	@command -v odoo >/dev/null || { echo "make pot needs an odoo command on PATH"; exit 1; }
	dropdb --if-exists $(POT_DB)
	odoo --addons-path=$(CURDIR)/addons -d $(POT_DB) -i $(ADDONS) --without-demo=all --stop-after-init --http-port=0
	for addon in $(subst $(comma), ,$(ADDONS)); do \
		odoo --addons-path=$(CURDIR)/addons -d $(POT_DB) --modules=$$addon --stop-after-init --http-port=0 \
			--i18n-export=$(CURDIR)/addons/$$addon/i18n/$$addon.pot || exit 1; \
	done
	dropdb $(POT_DB)

bench:
	$(PYTHON) tests/bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .odoo-test-logs .pytest_cache .ruff_cache .hypothesis
