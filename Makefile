# RNN Lab. The two commands: `make lab` (learn) and `make test` (check everything).
# Every target installs what it needs into .venv first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
NB     ?= workspace
WORKSPACE ?= workspace
JOBS   ?= 1
SCHEDULER ?=
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0

.PHONY: help install lab run test test-float-path test-browser export check-export release grade execute bench upgrade clean \
	translate translations check-translations

help:
	@$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) -m helpers.instructor.make_help

# Installs exactly the versions in the lock files (written by a resolver, with hashes): the
# versions that produced the notebooks' stored outputs. `make upgrade` moves them forward.
$(STAMP): pyproject.toml requirements/lab.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lab.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# what only the tests need (pytest, nbval, ...): the `test` extra of pyproject.toml
$(TEST_STAMP): $(STAMP) requirements/test.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e ".[test]"
	touch $(TEST_STAMP)

# The language: RNNLAB_LANG (en or zh_CN) if set, else the locale (LC_ALL, LC_MESSAGES, LANG).
# In Chinese, the notebooks' kernels get RNNLAB_LANG=zh_CN from the server and JupyterLab's
# own settings come from jupyter-config/zh_CN too (its interface in Chinese).
COURSE_LANG = $(BIN)/python -c "from helpers.i18n import language; print(language())"

lab: $(STAMP)
	$(BIN)/python -m helpers.instructor.release $(WORKSPACE) --keep
	lang=$$($(COURSE_LANG)) || exit 1; if [ "$$lang" = en ]; then \
		RNNLAB_LANG=en JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter-config $(BIN)/jupyter lab $(LAB_ARGS); \
	else \
		RNNLAB_LANG=$$lang JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter-config:$(CURDIR)/jupyter-config/$$lang \
			$(BIN)/jupyter lab $(LAB_ARGS); \
	fi
LAB_ARGS = --notebook-dir=$(WORKSPACE) $(if $(filter 0,$(shell id -u)),--allow-root)

run: $(STAMP)
	$(BIN)/python -m helpers.instructor.execute --all --out build/notebooks

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope notebooks tests --ignore=tests/browser --ignore=tests/float_paths --nbval \
		--nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=900

# Notebook 2 (Keras throughout) replayed on the float path this machine's TensorFlow does not
# take by default (oneDNN on or off): CI on either kind of CPU covers both. `make test` checks
# the generated files' freshness on every path already.
test-float-path: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/float_paths

# A learner's path in a real browser (tests/browser): Playwright drives the distribution's
# Chromium (Playwright's own browser download is not used). As root, Chromium is installed
# with apt-get when missing; otherwise the target says what to install.
CHROMIUM := /usr/bin/chromium
test-browser: $(TEST_STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest tests/browser --screenshot only-on-failure --output build/test-browser

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	else \
		echo "make test-browser needs Chromium at $(CHROMIUM): sudo apt-get install chromium"; exit 1; \
	fi

export: $(STAMP)
	$(BIN)/python -m helpers.instructor.export

check-export: $(STAMP)
	$(BIN)/python -m helpers.instructor.export --check

release: $(STAMP)
	$(BIN)/python -m helpers.instructor.release dist

# The Chinese edition: catalogues in locale/zh_CN (translators fill them), notebooks made from
# them in notebooks/zh_CN (generated: never edit them; a test fails when they are stale).
translations: $(STAMP)
	$(BIN)/python -m helpers.instructor.translations --update

translate: $(STAMP)
	$(BIN)/python -m helpers.instructor.edition $(if $(filter-out workspace,$(NB)),$(NB))

check-translations: $(STAMP)
	$(BIN)/python -m helpers.instructor.translations --check; a=$$?; \
	$(BIN)/python -m helpers.instructor.edition --check && exit $$a

# The grader's Dask (pyproject's `grade` extra) is pinned in requirements/test.lock.
grade: $(TEST_STAMP)
	$(BIN)/python -m helpers.instructor.grade $(NB) $(if $(SCHEDULER),--scheduler $(SCHEDULER),--jobs $(JOBS)) $(ARGS)

execute: $(STAMP)
	$(BIN)/python -m helpers.instructor.execute $(NB) --inplace

bench: $(STAMP)
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

# The day the instructor upgrades: a resolver writes new lock files (and environment.yml's
# pins), the venv gets exactly those, and every generated file and stored output is redone.
# Then run `make test` and commit requirements/, environment.yml, notebooks/ (notebooks/zh_CN/
# too: the Chinese notebooks are re-made from the re-run English ones) and helpers/.
upgrade: $(TEST_STAMP)
	$(BIN)/python -m helpers.instructor.lock --upgrade
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.lock
	touch $(STAMP) $(TEST_STAMP)
	$(BIN)/python -m helpers.instructor.export
	$(BIN)/python -m helpers.instructor.execute --all --inplace
	$(BIN)/python -m helpers.instructor.edition

clean:
	rm -rf build dist .pytest_cache
