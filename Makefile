# Lawbridge — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LB := $(BIN)/lawbridge
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/lawbridge

.PHONY: run test test-sqlite test-postgres lint format bench install install-dev prepare demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

prepare: install
	$(LB) compiletranslations --verbosity 0 > /dev/null
	$(LB) migrate --no-input --verbosity 0
	$(LB) createcachetable
	$(LB) collectstatic --no-input --verbosity 0

demo: prepare
	$(LB) demo

run: prepare
	$(LB) demo
	$(LB) serve

test: install-dev
	$(LB) compiletranslations --verbosity 0 > /dev/null
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== test suite on SQLite =="
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

test-postgres:
	@url="$${LAWBRIDGE_TEST_DATABASE_URL:-$(PG_TEST_URL)}"; \
	if $(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1].replace('/lawbridge', '/postgres'), connect_timeout=3).close()" "$$url" 2>/dev/null; then \
		echo "== test suite on PostgreSQL ($$url) =="; \
		DATABASE_URL="$$url" $(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL at $$url is not reachable (CI requires it)"; exit 1; \
	else echo "== PostgreSQL not reachable at $$url: skipped the second pass =="; fi

lint: install-dev
	$(BIN)/ruff format --check lawbridge tests bench
	$(BIN)/ruff check lawbridge tests bench

format: install-dev
	$(BIN)/ruff format lawbridge tests bench
	$(BIN)/ruff check --fix lawbridge tests bench

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
