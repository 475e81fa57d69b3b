# Two commands for a newcomer: `make demo` and `make test` (each sets itself up).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
PORT   ?= 50051
STAMP  := $(VENV)/.installed

.PHONY: help setup gen check-gen lint lint-proto typecheck test test-fast demo serve bench docker clean

help:  ## List targets.
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)  ## Create .venv and install the project with dev tools.

gen: $(STAMP)  ## Regenerate Python code from proto/.
	$(PY) proto/gen_python.py

check-gen: $(STAMP)  ## Fail if generated code is stale against proto/.
	$(PY) proto/gen_python.py --check

lint-proto: $(STAMP)  ## buf lint the API.
	$(BIN)/buf lint

lint: $(STAMP) lint-proto  ## ruff + mypy + buf.
	$(BIN)/ruff check recommender solvers clients tests bench proto
	$(BIN)/mypy recommender solvers clients

typecheck: $(STAMP)
	$(BIN)/mypy recommender solvers clients

test: $(STAMP) check-gen lint  ## Set up, then run the whole suite.
	$(BIN)/pytest -q

test-fast: $(STAMP)  ## Tests only, no lint.
	$(BIN)/pytest -q -x

demo: $(STAMP)  ## Start a server on bundled data, send a real request, print ranked plans, stop.
	$(BIN)/finops-recommender demo

serve: $(STAMP)  ## Run the server on PORT (default 50051).
	$(BIN)/finops-recommender serve --port $(PORT)

bench: $(STAMP)  ## Run the benchmarks in bench/.
	$(PY) -m bench.run_all

docker:  ## Build the container image.
	docker build -t finops-recommender .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
