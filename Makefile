# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
export FLASK_APP := app:create_app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast load bench lint format translations extract-messages serve clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d app/translations

## Serve the application on the embedded SQLite database under instance/, with the worker
## of background jobs (large PDFs; queue: instance/jobs.db); Ctrl+C stops both.
run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) users check-admin
	@echo "Austausch runs on http://$(HOST):$(PORT)  (Ctrl+C stops it and its jobs worker)"
	@$(FLASK) jobs worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# pytest-xdist: a process per core (none on a single core), each on its own database;
# the tests of a file run in one process (module fixtures are built once).
PYTEST_PARALLEL = -n auto --dist loadfile

## ruff, then the whole test suite (TEST_DATABASE_URL selects PostgreSQL).
test: $(VENV)/.dev-installed translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_PARALLEL) --durations=20

## ruff, then the tests not marked slow: no browser, load, PDF or fuzz tests.
test-fast: $(VENV)/.dev-installed translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not slow"

## The long load test, results in bench/LOAD.md: gunicorn with 4 workers, 50 users for 120 s,
## then the capacity run (the page mix without think time, and a bare route, 60 s each), on
## SQLite and on PostgreSQL: a throwaway server (bench/pg.py) unless LOAD_DATABASE_URL names
## a database (dropped and created again: its name must contain "load").
LOAD_USERS ?= 50
LOAD_SECONDS ?= 120
LOAD_WORKERS ?= 4
LOAD_CAPACITY_SECONDS ?= 60
LOAD_ARGS = --users $(LOAD_USERS) --seconds $(LOAD_SECONDS) --workers $(LOAD_WORKERS) \
	--capacity-seconds $(LOAD_CAPACITY_SECONDS) --report bench/LOAD.md
load: $(VENV)/.dev-installed translations
	@status=0; \
	$(BIN)/python -m bench.load --db sqlite $(LOAD_ARGS) || status=1; \
	$(BIN)/python -m bench.load --db postgresql $(LOAD_ARGS) || status=1; \
	exit $$status

## The benchmark, results in bench/RESULTS.md: two generated datasets (one city; a national
## organisation), every main page, matching, PDF rosters, exports, the CSV import, memory;
## on SQLite and on PostgreSQL (a throwaway server, bench/pg.py, unless BENCH_DATABASE_URL).
## BENCH_ARGS="--sizes small" for a quick look at the pages.
bench: $(VENV)/.dev-installed translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh the message catalogues after changing visible strings.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs ".* __pycache__" -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l de --no-fuzzy-matching
	@echo "US spellings: app/translations/en_US holds only the strings spelt differently (tests/main/test_locale.py)."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
