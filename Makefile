# The two commands of the README:
#   make demo   set up, start Neo4j and serve the demo community: the console on http://127.0.0.1:8000/
#   make test   set up, lint (ruff, mypy, import layers, the console's types and lint) and run every test
#               (Vitest, then pytest with a real Neo4j and the browser tests in Chromium)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
NPM    ?= npm
WEB     = web
# the browser of the tests: Debian's package (Playwright cannot download its own here)
CHROMIUM ?= /usr/bin/chromium
CONSOLE_SOURCES = $(shell find $(WEB)/src $(WEB)/public -type f -not -path '$(WEB)/src/gql/*' 2>/dev/null) \
	$(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/codegen.ts $(WEB)/tsconfig.app.json schema/schema.graphql

.PHONY: setup demo test lint bench clean-db console

setup: $(VENV)/.installed console $(CHROMIUM)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# the console: npm ci from the lockfile, then the typed build into web/dist (served by gridcare serve at /)
console: $(WEB)/dist/index.html

$(WEB)/node_modules/.installed: $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && $(NPM) ci --no-audit --no-fund
	touch $@

$(WEB)/dist/index.html: $(WEB)/node_modules/.installed $(CONSOLE_SOURCES)
	cd $(WEB) && $(NPM) run build

$(CHROMIUM):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk

demo: setup
	$(BIN)/gridcare serve --demo --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	cd $(WEB) && $(NPM) run --silent check

test: lint
	cd $(WEB) && $(NPM) test --silent
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/import_bench.py

clean-db: setup
	-$(BIN)/gridcare db stop
	rm -rf var/neo4j
