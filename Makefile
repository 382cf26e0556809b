# pMIEK Werkbank - every target installs what it needs first and is idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
BUILD   := build
PLUGIN  := $(BUILD)/pmiek_werkbank
DEMO_OUT ?= $(CURDIR)/demo_output
SITE     = $(shell ls -d $(CURDIR)/$(VENV)/lib/python3*/site-packages 2>/dev/null | head -1)
# QGIS embeds the system Python: give it the venv's packages and the plugin folder.
QGIS_ENV = QT_QPA_PLATFORM=offscreen QGIS_PLUGINPATH=$(CURDIR)/$(BUILD) \
           PYTHONPATH=$(SITE):$(CURDIR)/$(BUILD):/usr/share/qgis/python/plugins \
           PMIEK_VENV_SITE=$(SITE)

.PHONY: help setup system venv plugin-link demo test test-fast test-matrix run zip lint bench sample clean distclean

help:
	@echo "make demo   - install what is missing, build the sample werkbank, run the whole chain headless"
	@echo "make test   - install what is missing and run all tests (unit, QGIS headless, desktop smoke, PostGIS)"
	@echo "make run    - open QGIS desktop with the plugin enabled and the sample programme loaded"
	@echo "make test-matrix - tests, desktop smoke test and demo chain on QGIS 3.40 (trixie) and 3.44 (forky) chroots"
	@echo "make zip    - plugin ZIP for the QGIS plugin repository (build/pmiek_werkbank.zip); needs only python3 + git"
	@echo "make bench  - benchmarks, printed as ratios against QGIS's own tools"
	@echo "make lint | sample | clean | distclean"

system:
	@bash scripts/install_system.sh

$(VENV)/.installed: requirements.txt scripts/install_venv.sh scripts/build-constraints.txt
	@bash scripts/install_venv.sh

venv: system $(VENV)/.installed

plugin-link:
	@mkdir -p $(BUILD)
	@test -L $(PLUGIN) || ln -sfn .. $(PLUGIN)

setup: system venv plugin-link

sample: setup
	$(QGIS_ENV) $(PY) scripts/build_sample.py

demo: setup
	@$(QGIS_ENV) DEMO_OUT=$(DEMO_OUT) bash scripts/demo.sh

test: setup
	@$(QGIS_ENV) bash scripts/run_tests.sh

test-fast: setup
	$(QGIS_ENV) $(PY) -m pytest tests -x -q -m "not desktop and not postgis"

run: setup
	@env -u QT_QPA_PLATFORM $(QGIS_ENV) QT_QPA_PLATFORM= bash scripts/run_desktop.sh

# Plain Python 3 + git: no system packages, no venv.
zip:
	python3 scripts/make_zip.py $(BUILD)/pmiek_werkbank.zip

# QGIS 3.40 LTR (Debian trixie) and 3.44 (Debian forky) in chroots cached in /var/cache/pmiek-matrix.
MATRIX_SUITES ?= trixie forky
test-matrix:
	@bash scripts/test_matrix.sh $(MATRIX_SUITES)

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(QGIS_ENV) $(PY) bench/run.py $(if $(SIZE),--size $(SIZE)) $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) $(DEMO_OUT) .pytest_cache tests/artifacts
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
