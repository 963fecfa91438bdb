# Every target sets itself up on a fresh machine: a virtual environment in .venv,
# the package installed editable with its extras, and Graphviz's `dot` program.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test demo bench lint notebooks notebooks-run graphviz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,notebooks,bench]"
	touch $(STAMP)

graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq graphviz; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq graphviz; \
	  else echo "Graphviz's 'dot' program is missing: install it with 'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) or see https://graphviz.org/download/"; exit 1; fi; }

lint: $(STAMP)
	$(PY) -m ruff check autograd viz tests bench

test: $(STAMP) graphviz lint
	$(PY) -m pytest tests
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then $(PY) -m pytest --nbmake notebooks; fi

demo: $(STAMP) graphviz
	$(PY) -m autograd.demo

bench: $(STAMP)
	$(PY) bench/engine.py
	$(PY) bench/train.py

# Re-run every notebook in place on a fresh kernel, so the committed outputs are a clean run's;
# without timing metadata, so a re-run diffs cleanly.
# Re-run every notebook in place: no timings, and each cell's printed lines as one
# block however the kernel happened to flush them, so a re-run diffs cleanly.
notebooks-run: $(STAMP) graphviz
	$(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.record_timing=False \
	  --NotebookExporter.preprocessors='["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]' \
	  --CoalesceStreamsPreprocessor.enabled=True notebooks/*.ipynb

notebooks: $(STAMP) graphviz
	$(PY) -m jupyter lab notebooks

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
