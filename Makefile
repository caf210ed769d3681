# Jointly: one command runner for people and CI.
#   make run    set everything up and serve http://127.0.0.1:8000 with the demo partnerships
#               (DEBUG off, a development secret key made in var/; JOINTLY_DEBUG=true for debug pages;
#               a development key for panel data made in var/panel_keys when JOINTLY_PANEL_KEYS is unset)
#   make test   set everything up and run ruff plus the whole test suite (incl. browser tests)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSETS := jointly/static/vendor/govuk/jointly-govuk.min.css
PYTEST_ARGS ?=
# CHECK=0 skips `make check` inside `make test` (CI runs the checks once, on its PostgreSQL leg).
CHECK ?= 1

.PHONY: run test setup assets chromium pango lint check format migrate demo clean bench schemathesis lock mutation

# requirements.lock pins the whole tree (runtime + development tools) with hashes: every download is
# checked. Change requirements*.txt, then `make lock`.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-pin requirements.lock from requirements*.txt with pip-tools, in a throwaway venv (never .venv).
lock:
	rm -rf var/piptools && $(PYTHON) -m venv var/piptools
	var/piptools/bin/pip install --quiet pip-tools
	var/piptools/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --output-file=requirements.lock requirements-dev.txt
	rm -rf var/piptools

# GOV.UK Frontend compiled from Sass with Jointly's settings (Arial, not the GOV.UK-only font; images
# beside the stylesheet): jointly/assets/govuk.scss. axe-core stays in node_modules (browser tests only).
$(ASSETS): package.json package-lock.json jointly/assets/govuk.scss
	npm ci --no-audit --no-fund --silent
	rm -rf jointly/static/vendor && mkdir -p jointly/static/vendor
	cp -r node_modules/govuk-frontend/dist/govuk jointly/static/vendor/govuk
	rm -f jointly/static/vendor/govuk/govuk-frontend.min.css jointly/static/vendor/govuk/govuk-frontend.min.css.map
	cp node_modules/htmx.org/dist/htmx.min.js jointly/static/vendor/
	node_modules/.bin/sass --style=compressed --no-source-map --load-path=node_modules \
	  jointly/assets/govuk.scss $(ASSETS)

setup: $(STAMP) $(ASSETS) pango

# Board packs print PDF with WeasyPrint, which needs Pango (and a font: DejaVu, Arial's stand-in).
# Install Debian's packages when missing, as the chromium target does (never a download by hand).
pango:
	@{ ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' && fc-list 2>/dev/null | grep -qi 'DejaVu Sans'; } || { \
	  echo "Installing Debian's Pango and DejaVu fonts for PDF board packs..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

assets: $(ASSETS)

# Browser tests drive Debian's Chromium; install it when missing (never a browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

migrate: setup
	$(VENV)/bin/jointly migrate --noinput

demo: migrate
	$(VENV)/bin/jointly panels ensure-key
	$(VENV)/bin/jointly demo load

run: demo
	$(VENV)/bin/jointly serve --host 127.0.0.1 --port 8000

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Conventions as checks (see docs/DEVELOPING.md): lint, import contracts, migrations, types.
check: lint
	$(PY) scripts/check_lock.py
	PYTHONPATH=$(CURDIR) $(VENV)/bin/lint-imports
	$(VENV)/bin/jointly makemigrations --check --dry-run
	PYTHONPATH=$(CURDIR) $(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: setup chromium $(if $(filter 1,$(CHECK)),check)
	$(VENV)/bin/python -m pytest -n 2 --dist worksteal --durations=30 $(PYTEST_ARGS)

# The API against its OpenAPI document, as three roles, on a throwaway database (README "The API").
schemathesis: setup
	$(PY) scripts/schemathesis.py

# Mutation testing of the statistics, the returns rules, contract terms and the finance and risk
# calculations (mutmut; not in CI, it takes long): prints the score per module (docs/mutation.md).
# `make mutation MODULES=jointly.stats.dsr` for one module; `CHILDREN=1` runs one test process at a
# time (a shared machine).
mutation: setup
	$(PY) scripts/mutation.py $(if $(CHILDREN),--max-children $(CHILDREN)) $(MODULES)

bench: setup
	$(PY) bench/spc.py
	$(PY) bench/indicators.py

clean:
	rm -rf $(VENV) node_modules jointly/static/vendor staticfiles var
