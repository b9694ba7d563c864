# The two commands of the README: `make demo` and `make test`. Everything else is set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_DB ?= $(CURDIR)/baton-demo.db

.PHONY: setup demo test lint fast bench-intake clean

$(STAMP): pyproject.toml scripts/setup-system
	bash scripts/setup-system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Run Baton on SQLite with demo data at http://$(HOST):$(PORT)
demo: setup
	BATON_DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/baton demo --host $(HOST) --port $(PORT)

## The whole test suite: lint, then every test on SQLite and PostgreSQL
test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pytest -n 2 --dist loadgroup

## The fast suite only (no scale tests)
fast: setup
	$(BIN)/pytest -n 2 -m "not slow"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis baton-demo.db*
