# Two commands on a fresh machine: `make demo` (set up, sample library, then the app) and `make test` (set up, then checks).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_HOME ?= $(CURDIR)/.newsdesk-demo

.PHONY: install browser postgres demo test lint bench bench-ui clean

install: $(VENV)/.installed

# torch is pinned first: on these machines 2.13.0 is the CPU build; an unpinned torch pulls GBs of CUDA.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m vectorstore.onnx_model >/dev/null  # the ONNX export of the packaged model, once
	touch $@

# ingests the samples (already-present ones are skipped, so your uploads survive), answers, opens the app
demo: install
	NEWSDESK_HOME=$(DEMO_HOME) $(BIN)/newsdesk demo --ui

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# the browser smoke test drives Debian's Chromium (root on these machines; sudo elsewhere)
browser:
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# the catalog tests also run on PostgreSQL: Debian's server, started on 127.0.0.1 (scripts/postgres.sh)
postgres:
	bash scripts/postgres.sh

test: lint browser postgres
	$(BIN)/pytest -q

bench: install
	$(BIN)/python benchmarks/ingest.py

bench-ui: install browser
	$(BIN)/python benchmarks/ui.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache
