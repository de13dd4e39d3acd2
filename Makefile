# Task runner. `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The runtime and the local stack only (local/requirements.txt): enough for demo, local and check.
RUNTIME_STAMP := $(VENV)/.runtime-installed
STATE_DIR ?= .local
export SAM_CLI_TELEMETRY := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv demo local check test unit integration e2e lint fmt build deploy bench chaos clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(RUNTIME_STAMP): layers/shared/requirements.txt local/requirements.txt
	@echo "Installing the runtime and moto server into $(VENV) (once; about a minute)…"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -u -m pip install --disable-pip-version-check -r local/requirements.txt \
		| awk '/^(Collecting|Successfully installed)/ { print "  " $$0; fflush() }'
	touch $@

$(STAMP): pyproject.toml layers/shared/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -r layers/shared/requirements.txt --group dev
	touch $@

venv: $(STAMP) ## Create .venv with the runtime and development dependencies

demo: $(RUNTIME_STAMP) ## Start a local stack (in .local/demo) and watch a StatusHub service go down and back up
	$(BIN)/python -m local.demo

local: $(RUNTIME_STAMP) ## Run the local stack (moto + the three functions + StatusHub simulator) until Ctrl-C
	$(BIN)/python -m local.stack --state-dir $(STATE_DIR)

check: $(RUNTIME_STAMP) ## Publish checks: make check MONITOR="<guid> [<guid>...]" LEVEL=Confirmed [DESCRIPTION=...] [BATCH=1]
	$(BIN)/python -m local.check $(MONITOR) "$(LEVEL)" --state-dir $(STATE_DIR) \
		$(if $(DESCRIPTION),--description "$(DESCRIPTION)") $(if $(BATCH),--batch)

lint: $(STAMP) ## ruff, ruff format --check, mypy --strict, import-linter, sam validate --lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PYTHONPATH=layers/shared:functions $(BIN)/lint-imports
	$(BIN)/sam validate --lint

fmt: $(STAMP) ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint ## Lint, then every test suite (unit and integration on every core, then end-to-end and browser)
	$(BIN)/pytest -n auto tests/unit tests/integration
	$(BIN)/pytest tests/e2e tests/browser

unit: $(STAMP) ## Only the pure-domain unit tests
	$(BIN)/pytest tests/unit

integration: $(STAMP) ## Only the handler tests on moto
	$(BIN)/pytest tests/integration

e2e: $(STAMP) ## Only the end-to-end tests on the local stack
	$(BIN)/pytest tests/e2e

build: $(STAMP) ## sam build (no container; python3.11 on this machine)
	PYTHON="$(abspath $(BIN)/python)" $(BIN)/sam build

deploy: build ## sam deploy --guided (needs AWS credentials)
	$(BIN)/sam deploy --guided

bench: $(STAMP) ## Benchmarks: print the table and write bench/results.json
	$(BIN)/python -m bench

chaos: $(STAMP) ## 1,000 check results through the local stack under StatusHub faults and worker restarts
	$(BIN)/python -m local.chaos

clean: ## Remove the virtualenv, build output and local state
	rm -rf $(VENV) .aws-sam .local .mypy_cache .ruff_cache
