# The two commands a newcomer needs: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DEMO_PASSWORD ?= Guangyuan-Demo-2026
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install install-dev run serve test test-fast lint fmt bench migrations-check messages vendor browser-deps

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed ## Install runtime dependencies into .venv

install-dev: $(VENV)/.installed-dev ## Install test and tooling dependencies into .venv

run: install ## Demo: SQLite, tasks in process, demo data; serves http://127.0.0.1:8000
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: install ## Production-like: gunicorn, the Celery workers (default and exports, batch) and beat (needs DATABASE_URL, REDIS_URL, SECRET_KEY)
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "serve needs DATABASE_URL and REDIS_URL (see .env.example)"; exit 2; }
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v0
	$(VENV)/bin/honcho start -f Procfile

browser-deps: ## Install Debian's chromium for browser tests and a Chinese font for notices (root with apt only)
	@bash bin/install-chromium
	@bash bin/install-fonts

test: install-dev browser-deps ## Run the whole suite (PostgreSQL, Redis and a worker when DATABASE_URL/REDIS_URL are set)
	$(VENV)/bin/ruff check .
	TESTING=1 $(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

test-fast: install-dev ## The suite without browser tests
	$(VENV)/bin/pytest -q -m "not browser" $(PYTEST_ARGS)

lint: install-dev ## ruff check (the rule set is in pyproject.toml)
	$(VENV)/bin/ruff check .

fmt: install-dev ## ruff fix and format
	$(VENV)/bin/ruff check --fix .

migrations-check: install ## Fail if models and migrations drift
	$(PY) manage.py makemigrations --check --dry-run

APPS_WITH_LOCALE := guangyuan_jobs/accounts guangyuan_jobs/audit guangyuan_jobs/casework guangyuan_jobs/policy \
	guangyuan_jobs/registry guangyuan_jobs/reports guangyuan_jobs/notices guangyuan_jobs/imports subsidies training entrepreneurship \
	priority_groups monitoring integrity stat_reports startup_parks startup_events

messages: install-dev ## Re-extract each app's catalogue (then fill the new msgstr) and compile; .mo files are committed
	for app in $(APPS_WITH_LOCALE); do (cd $$app && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l zh_Hans -l en); done
	$(PY) manage.py compilemessages --ignore=.venv

bench: install-dev ## Run every benchmark under bench/ and write bench/results.json
	$(PY) bench/run.py

vendor: ## Re-vendor Bootstrap, Bootstrap Icons and htmx from npm into static/vendor
	bash bin/vendor-static
