# Every target sets itself up on a fresh machine: a virtual environment in .venv, the
# package installed editable with the extras that target needs, Graphviz's `dot` and a
# font with Hangul for the Korean pictures (`make test` also Debian's chromium and
# chromium-driver, for the browser tests).
# `make demo` installs the demo's extra only (.[ml]); the other targets install everything
# the tests, notebooks and benchmarks need. Each install is a stamp file, redone when
# pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-ml
# pip quiet, and without setuptools' notice that an editable install was made (the only thing
# that module warns about); the packaging test builds with every warning on.
PIP_INSTALL := PYTHONWARNINGS="ignore:::setuptools.command.editable_wheel" $(PY) -m pip install --quiet

.PHONY: test demo bench lint notebooks notebooks-run graphviz fonts chromium clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(PY)
	@echo "Installing autograd-viz with its [ml] extra into $(VENV): numpy, scikit-learn, matplotlib,"
	@echo "graphviz, tqdm and what they need (about 20 packages, 400 MB, mostly SciPy; ~40 s the first time)"
	@$(PIP_INSTALL) -e ".[ml]"
	@touch $@

$(STAMP): pyproject.toml | $(PY)
	@echo "Installing autograd-viz with [dev,ml,notebooks,bench] into $(VENV): pytest, ruff, build, twine,"
	@echo "scikit-learn, matplotlib, jupyter, micrograd and what they need (about 150 packages; ~80 s the first time)"
	@$(PIP_INSTALL) -e ".[dev,ml,notebooks,bench]"
	@touch $@ $(DEMO_STAMP)

graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq graphviz; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq graphviz; \
	  else echo "Graphviz's 'dot' program is missing: install it with 'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) or see https://graphviz.org/download/"; exit 1; fi; }

# Korean labels need a font with Hangul (Graphviz, matplotlib and Chromium all find it through
# fontconfig, which Debian's graphviz brings): Debian's fonts-nanum (NanumGothic) when
# fontconfig knows none. Without fc-list (no fontconfig to ask) the system's fonts are trusted.
NO_HANGUL := No font with Hangul is installed, so Korean text would be drawn as empty boxes: install \
  one with 'apt-get install fonts-nanum' (Debian/Ubuntu), or Noto Sans CJK KR (fonts-noto-cjk, \
  google-noto-sans-cjk-fonts); macOS and Windows have one
fonts: graphviz
	@{ ! command -v fc-list >/dev/null 2>&1 || [ -n "$$(fc-list :lang=ko family)" ]; } || { \
	  if ! command -v apt-get >/dev/null 2>&1; then echo "$(NO_HANGUL)"; exit 1; \
	  elif [ "$$(id -u)" = 0 ]; then echo "Installing Debian's fonts-nanum (a font with Hangul; 10 MB)"; \
	    apt-get update -qq && apt-get install -y -qq fonts-nanum >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then echo "Installing Debian's fonts-nanum (a font with Hangul; 10 MB)"; \
	    sudo apt-get update -qq && sudo apt-get install -y -qq fonts-nanum >/dev/null; \
	  else echo "$(NO_HANGUL)"; exit 1; fi; }

# The browser tests drive Debian's chromium through its chromium-driver, at these fixed paths
# (tests/browser.py names both, so nothing is ever downloaded at run time).
chromium:
	@{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver; \
	  else echo "The browser tests need /usr/bin/chromium and /usr/bin/chromedriver: install them with 'apt-get install chromium chromium-driver' (Debian/Ubuntu)"; exit 1; fi; }

lint: $(STAMP)
	$(PY) -m ruff check autograd viz tests bench

# The tests, then every notebook (nbmake collects notebooks/ and notebooks/ko/) on a fresh kernel.
test: $(STAMP) graphviz fonts chromium lint
	$(PY) -m pytest tests
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then $(PY) -m pytest --nbmake notebooks; fi

demo: $(DEMO_STAMP) graphviz fonts
	$(PY) -m viz.demo

bench: $(STAMP)
	$(PY) bench/engine.py
	$(PY) bench/train.py
	$(PY) bench/memory.py
	$(PY) bench/film.py

# Re-run every notebook, English and Korean, in place on a fresh kernel, so the committed
# outputs are a clean run's: no timings, and each cell's printed lines as one block however
# the kernel happened to flush them, so a re-run diffs cleanly.
notebooks-run: $(STAMP) graphviz fonts
	$(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.record_timing=False \
	  --NotebookExporter.preprocessors='["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]' \
	  --CoalesceStreamsPreprocessor.enabled=True notebooks/*.ipynb notebooks/ko/*.ipynb

notebooks: $(STAMP) graphviz fonts
	$(PY) -m jupyter lab notebooks

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
