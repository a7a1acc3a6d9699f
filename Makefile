# Tracker: `make run` serves the demo; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint typecheck unit install install-dev assets bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	TRACKER_CONFIG=development $(BIN)/flask db upgrade
	TRACKER_CONFIG=development $(BIN)/flask tracker demo
	@echo "Tracker is at http://$(HOST):$(PORT)/ - demo logins are in README.md"
	TRACKER_CONFIG=development $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 \
		--threads 4 --access-logfile - 'wsgi:app'

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r tracker config.py wsgi.py -ll

typecheck: install-dev
	$(BIN)/mypy tracker config.py wsgi.py

# Every test on SQLite; then again on PostgreSQL when TEST_DATABASE_URL is set.
unit: install-dev
	TEST_DATABASE_URL= $(BIN)/pytest -n 2 --cov --cov-report=term:skip-covered
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "Again on PostgreSQL ($$TEST_DATABASE_URL), with the smaller property-test profile"; \
		HYPOTHESIS_PROFILE=dev $(BIN)/pytest -n 2 -m "not browser"; \
	fi

test: lint typecheck unit

# Rebuild the committed front-end assets (needs Node.js; running the app does not).
assets:
	npm ci
	npm run build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
