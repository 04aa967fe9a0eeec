# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export CUSTLEDGER_TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint typecheck test-sqlite test-postgres test-frontend frontend api-types \
	install bench fuzz clean

# The React app in frontend/ (Node 20 and npm). Until frontend/package.json exists the front-end
# targets say so and succeed, and `make run` serves the API alone.
FRONTEND := frontend
NODE_STAMP := $(FRONTEND)/node_modules/.npm-ci
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src -type f 2>/dev/null) \
	$(wildcard $(FRONTEND)/index.html $(FRONTEND)/package.json $(FRONTEND)/package-lock.json \
	$(FRONTEND)/vite.config.ts)
NO_FRONTEND = echo "make: $(FRONTEND)/package.json does not exist: no front end to $(1)"

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install frontend
	mkdir -p var
	$(BIN)/custledger migrate
	$(BIN)/custledger seed-demo --if-empty
	$(BIN)/custledger serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench migrations

typecheck: install
	$(BIN)/mypy

test-sqlite: install
	CUSTLEDGER_TEST_BACKEND=sqlite $(BIN)/pytest

test-postgres: install
	CUSTLEDGER_TEST_BACKEND=postgres $(BIN)/pytest

# Every part must pass: make stops at the first failing one and exits non-zero.
test: lint typecheck test-sqlite test-postgres test-frontend

# npm ci again whenever package-lock.json is newer than the last install.
$(NODE_STAMP): $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	mkdir -p $(@D) && touch $@

# Rebuilt only when a source is newer than the build.
$(FRONTEND)/dist/index.html: $(NODE_STAMP) $(FRONTEND_SOURCES)
	cd $(FRONTEND) && npm run build
	touch $@

frontend:
	@if test -f $(FRONTEND)/package.json; then \
		$(MAKE) --no-print-directory $(FRONTEND)/dist/index.html; \
	else $(call NO_FRONTEND,build; custledger serve answers the API alone); fi

# The OpenAPI document into the front end, then its TypeScript types.
api-types: install
	mkdir -p $(FRONTEND)/src/api
	$(PY) -m custledger.openapi > $(FRONTEND)/src/api/openapi.json.tmp
	mv $(FRONTEND)/src/api/openapi.json.tmp $(FRONTEND)/src/api/openapi.json
	@if test -f $(FRONTEND)/package.json; then \
		$(MAKE) --no-print-directory $(NODE_STAMP) && cd $(FRONTEND) && npm run gen:api; \
	else $(call NO_FRONTEND,generate types for); fi

# The browser tests start .venv/bin/custledger themselves: install first.
test-frontend: install
	@if test -f $(FRONTEND)/package.json; then \
		$(MAKE) --no-print-directory $(NODE_STAMP) && cd $(FRONTEND) && \
		npm run lint && npm run typecheck && npm test && npm run build && npm run e2e; \
	else $(call NO_FRONTEND,test); fi

clean:
	rm -rf $(VENV) var/*.db

# Load tests on PostgreSQL against `custledger serve --workers N` and a bare reference app;
# never part of `make test`. Builds a 1,000,000-customer database first (minutes); see
# docs/performance.md. BENCH_ARGS="--scale small" for a quick dry run of the tooling.
bench: install
	nice -n 10 $(PY) -m bench.run $(BENCH_ARGS)

# Schemathesis against a real server on a fresh PostgreSQL database: 100 cases per operation as
# an owner, a manager, a clerk and a POS client (one run per principal, side by side, each with
# its own server and database), the stateful phase over the document's links, the cheque batch
# with its own generator. Never part of `make test`; minutes. See docs/reliability.md.
# FUZZ_ARGS="--examples 10" for a quick pass.
FUZZ_ROLES ?= owner manager clerk pos
fuzz: install
	@mkdir -p var/fuzz
	@pids=""; for role in $(FUZZ_ROLES); do \
	  nice -n 10 $(PY) -m tests.fuzz.deep --roles $$role $(FUZZ_ARGS) > var/fuzz-$$role.log 2>&1 & \
	  pids="$$pids $$!"; done; \
	rc=0; for pid in $$pids; do wait $$pid || rc=1; done; \
	cat var/fuzz/summary-*.json; exit $$rc
