# The two commands: `make demo` and `make test`. Everything installs into this directory
# (.venv/ for Python, node_modules/ for the front end, var/ for the demo's data).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= lscp.settings.local

.PHONY: demo test bench assets deps lint clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

static/dist/lscp.css: node_modules/.installed $(wildcard frontend/*.scss) frontend/build.mjs
	npm run --silent build

assets: static/dist/lscp.css

deps: $(VENV)/.runtime assets

## make demo: install, load the demo partnerships, serve http://127.0.0.1:8000 (Ctrl-C stops)
demo: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo

## make test: on Debian as root, installs PostgreSQL, Redis, Chromium if missing, starts them
## on loopback in a throwaway directory, runs lint, checks and the whole suite against them.
test:
	./scripts/test.sh

## make bench: speed figures (printed, not asserted), on throwaway PostgreSQL and Redis
bench:
	./scripts/test.sh --bench

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf var/ static/dist/
