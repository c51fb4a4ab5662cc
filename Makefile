# Multaqa — `make run` serves the demo, `make test` runs the whole suite (SQLite, PostgreSQL, browser).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app
PYTEST_WORKERS ?= 2

.PHONY: run test test-sqlite test-postgres e2e lint install translations translations-update services system-deps bench worker clean static

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

translations: install
	$(BIN)/pybabel compile -d forum/translations -f >/dev/null

# static/ built into build/static: web fonts subset, versioned names, gzip and Brotli (served by WhiteNoise).
static: install
	$(BIN)/flask assets build

translations-update: install
	$(BIN)/flask translate update

run: install translations static
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

services:
	./scripts/services.sh

system-deps:
	./scripts/system-deps.sh

test: install translations services system-deps static
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	MULTAQA_TEST_DB=sqlite $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-postgres:
	MULTAQA_TEST_DB=postgresql $(BIN)/pytest -n $(PYTEST_WORKERS) -q

e2e: install translations system-deps static
	$(BIN)/pytest -q tests/e2e

lint: install
	$(BIN)/ruff check forum tests bench
	$(BIN)/ruff format --check forum tests bench

worker: install
	$(BIN)/flask jobs worker

# Every bench runs and reports, whatever the one before found; the status says whether any was OVER.
bench: install translations services static
	@status=0; for script in bench/bench_*.py; do $(BIN)/python $$script || status=1; done; exit $$status

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts build
