# Front door. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: agreement help all env data reports test lint lock timings bench bench-reuse bench-boilerplate corpus-notebooks fuzz clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

all: env data reports ## build everything: environment, data/processed, figures, rendered notebooks

env: $(STAMP) ## create .venv from requirements.lock (the locked versions)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

data: $(STAMP) ## rebuild data/processed and figures/ from data/raw
	$(BIN)/python -m analysis build

reports: $(STAMP) ## execute the notebooks into reports/ (HTML), one report per city
	$(BIN)/python -m analysis notebooks

test: lint ## run the linter, then the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check analysis tests benchmarks scripts notebooks
	$(BIN)/ruff format --check analysis tests benchmarks scripts notebooks

timings: $(STAMP) ## measure the five-city build and the notebook run (benchmarks/timings.json)
	$(BIN)/python -m benchmarks.timings

bench: $(STAMP) ## benchmark extraction at 10^2, 10^3, 10^4 notices (benchmarks/results.json)
	$(BIN)/python -m benchmarks.run --n 100 1000 10000

bench-reuse: $(STAMP) ## benchmark text reuse between notices at 10^2, 10^3, 10^4 (benchmarks/reuse_results.json)
	$(BIN)/python -m benchmarks.reuse --n 100 1000 10000

bench-boilerplate: $(STAMP) ## benchmark boilerplate shares at 10^2, 10^3, 10^4 (benchmarks/boilerplate_results.json)
	$(BIN)/python -m benchmarks.boilerplate --n 100 1000 10000

CORPUS ?= /tmp/rectification-corpus-300
corpus-notebooks: $(STAMP) ## every notebook on a generated 300-notice corpus of varied issuers (timings; 90 s each at most)
	$(BIN)/python -m benchmarks.corpus_notebooks 300 $(CORPUS)

fuzz: $(STAMP) ## fuzz the extractor with 10^5 mutated notices (the suite runs 300)
	FUZZ_EXAMPLES=100000 $(BIN)/python -m pytest tests/test_fuzz.py -q -p no:cacheprovider --hypothesis-show-statistics

agreement: $(STAMP) ## record the category model's agreement the figures quote (after changing codebook, training or classifier)
	$(BIN)/python -m analysis.evaluate.transfer --record

lock: $(STAMP) ## re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile --universal --python-version 3.11 --all-extras pyproject.toml -o requirements.lock

clean: ## remove the environment and generated outputs (tables, figures, reports, the fitted model)
	rm -rf $(VENV) data/processed/* figures/* reports/ models/*.pickle models/*.json
