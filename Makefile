# Handbill: `make serve` to preview, `make test` to run every test. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
PELICAN := $(BIN)/pelican
# The preview and the published site never share a folder: output/ is what `make publish`
# put live (a link to a version in .site/), preview/ is what `make serve` shows.
OUTPUT := output
PREVIEW := preview
PORT ?= 8000

.PHONY: help venv html serve publish clean test test-fast test-e2e lint format translations bench bench-ratio bench-smoke

help:
	@echo "make serve    build the demo site and preview it at http://localhost:$(PORT) (rebuilds and refreshes on save)"
	@echo "make test     run every test (both tiers, in parallel)"
	@echo "make test-fast  the fast tier only: unit and single-build tests (run it on every change)"
	@echo "make test-e2e   the end-to-end tier only: browsers, servers, calendar engines, bench smoke"
	@echo "make html     build the preview into $(PREVIEW)/ with pelicanconf.py"
	@echo "make publish  build and check the public site, then swap it into $(OUTPUT)/ (unchanged on any problem)"
	@echo "make clean    remove $(PREVIEW)/ and the build cache (the published site stays)"
	@echo "make lint     check the code style with ruff"
	@echo "make translations  update handbill_i18n/locale/ (messages.pot, each .po) from the code; then list what is left to translate"
	@echo "make bench    benchmark the build and the sign-up server (POSTS=2000 EVENTS=300 ...); writes docs/benchmarks.md"
	@echo "make bench-ratio  only Handbill / Pelican as it comes; fails over 1.0 (POSTS=... ROUNDS=...)"

$(READY): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Handbill needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[site,server,test]'
	@touch $@

venv: $(READY)

html: $(READY)
	$(PELICAN) content -o $(PREVIEW) -s pelicanconf.py

# The preview server (handbill_preview): rebuilds on save, refreshes the page by itself and
# shows the build's problems at the top of every page.
serve: $(READY)
	$(BIN)/python -m handbill_preview content -s pelicanconf.py -o $(PREVIEW) --port $(PORT)

# Builds into .site/, runs every check, and only then points output/ at the new build.
publish: $(READY)
	$(BIN)/handbill-publish publish

clean:
	rm -rf $(PREVIEW) cache

# The npm packages the output checks use (package.json). Without npm those tests skip and say so.
NPM_READY := node_modules/.package-lock.json
$(NPM_READY): package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the HTML, calendar and browser checks will be skipped (sudo apt install nodejs npm)"; fi

# Style first, so the last line of the output is pytest's summary. Tests run in parallel
# (pytest-xdist, one worker per core); the tiers are the `e2e` marker (tests/conftest.py).
test: $(READY) $(NPM_READY) lint
	$(BIN)/pytest

test-fast: $(READY) lint
	$(BIN)/pytest -m "not e2e"

test-e2e: $(READY) $(NPM_READY)
	$(BIN)/pytest -m e2e

lint: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The words visitors read, in other languages (handbill_i18n/catalogue.py, babel.cfg): the
# template from the code, each language's .po brought in line, then what is left to translate.
translations: $(READY)
	$(BIN)/python -m handbill_i18n.catalogue
	$(BIN)/python -m handbill_i18n.catalogue check

format: $(READY)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# --- Benchmarks (bench/): `make bench POSTS=2000 EVENTS=300` writes docs/benchmarks.md ------
POSTS ?= 2000
EVENTS ?= 300
SERIES ?= 50
ROUNDS ?= 3
ICS_SERIES ?= 1000
REQUESTS ?= 3000
# SCALE=10000: also one build of each at 10,000 posts, to see how time and memory grow.
SCALE ?= 0
BENCH_OUT ?= /tmp/handbill-bench
BENCH_ARGS = --posts $(POSTS) --events $(EVENTS) --series $(SERIES) --rounds $(ROUNDS) \
	--ics-series $(ICS_SERIES) --requests $(REQUESTS) --scale-posts $(SCALE)

bench: $(READY)
	$(BIN)/python -m bench.run $(BENCH_ARGS) --out $(BENCH_OUT) \
		--command "make bench POSTS=$(POSTS) EVENTS=$(EVENTS) SERIES=$(SERIES) ROUNDS=$(ROUNDS) ICS_SERIES=$(ICS_SERIES) REQUESTS=$(REQUESTS) SCALE=$(SCALE)"

# The headline alone: Handbill / Pelican as it comes; fails over 1.0 (docs/benchmarks.md).
bench-ratio: $(READY)
	$(BIN)/python -m bench.ratio --posts $(POSTS) --events $(EVENTS) --series $(SERIES) --rounds $(ROUNDS)

# The same at a tiny size, as CI runs it: tests/bench/test_bench_smoke.py (no timing checks).
bench-smoke: $(READY)
	$(BIN)/pytest tests/bench -q
