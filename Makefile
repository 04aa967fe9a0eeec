# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export CUSTLEDGER_TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint typecheck test-sqlite test-postgres install bench fuzz clean

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
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

test: lint typecheck test-sqlite test-postgres

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
