# Facet: `make demo` runs the product locally, `make test` runs the test suite. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app plugin_api
# Stamps are keyed on the requirements files' content: an unchanged venv is not reinstalled.
RUNTIME_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-12)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(RUNTIME_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)
# The address links in install pages and sign-in links point at: the demo's own unless given.
FACET_PUBLIC_URL ?= http://$(HOST):$(PORT)
DEMO_ENV = env -u DATABASE_URL -u REDIS_URL FACET_ENV=demo FACET_LOG_FORMAT=text FACET_PUBLIC_URL=$(FACET_PUBLIC_URL)

.PHONY: demo serve migrate seed test lint format worker clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-runtime-*
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-runtime-*
	touch $@ $(RUNTIME_STAMP)

## demo: install, migrate a SQLite database, seed the demo store and serve http://$(HOST):$(PORT) (jobs in-process)
# The access log shows paths without their query strings (sign-in tokens, OAuth codes) and no addresses.
demo: $(RUNTIME_STAMP)
	$(DEMO_ENV) $(FLASK) db upgrade
	$(DEMO_ENV) $(FLASK) facet seed-demo --origin http://$(HOST):$(PORT) --origin http://localhost:$(PORT)
	@echo "Facet demo on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/v1/docs, key pk_demo; merchant dashboard: http://$(HOST):$(PORT)/admin/demo)"
	$(DEMO_ENV) $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 1 --threads 8 --timeout 180 \
		--access-logfile - --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss' wsgi:app

## test: install the test requirements and run the whole suite (DATABASE_URL/REDIS_URL honoured when set)
test: $(DEV_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

## worker: run a job worker against REDIS_URL (production-like setups)
worker: $(RUNTIME_STAMP)
	$(FLASK) facet worker

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff format .

## widget: rebuild the shopper widget (widgets/widget/dist, committed) from widgets/widget/src
widget:
	$(PYTHON) widgets/widget/build.py

## clean-demo: forget the demo database and stored files
clean-demo:
	rm -rf instance
