# The two commands of the README:
#   make demo   set up, start Neo4j and serve the demo community on http://127.0.0.1:8000/graphql
#   make test   set up, lint (ruff, mypy, import layers) and run the whole test suite (with a real Neo4j)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup demo test lint bench clean-db

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: setup
	$(BIN)/gridcare serve --demo --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/import_bench.py

clean-db: setup
	-$(BIN)/gridcare db stop
	rm -rf var/neo4j
