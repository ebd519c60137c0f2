# Two entry points: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Root on CI and in containers; a developer's own machine asks through sudo.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT    := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q
# The second test pass points at the PostgreSQL that CI has; tests skip with a reason without it.
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/statewise

.PHONY: run serve test install install-test bytecode dot chromium migrate samples test-sqlite test-postgres clean

run: install dot migrate samples
	@echo ""
	@echo "  Statewise is at http://$(HOST):$(PORT)/"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# For a team: several worker processes, DEBUG off; needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS
# and (for more than one worker) REDIS_URL in the environment (README, "Deploy").
WORKERS ?= 2
serve: install dot migrate
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: install-test dot chromium test-sqlite test-postgres

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { $(APT) python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(VENV)/.installed $@

# Byte-compiled here, whatever PYTHONDONTWRITEBYTECODE says: without a bytecode cache every
# `python -m interpreter` compiles each module it imports again (about 4x its start-up time).
# compileall skips modules whose cache is up to date, so this is quick after the first time.
bytecode: | $(BIN)/python
	@$(BIN)/python -m compileall -q -j 0 interpreter designer

install: $(VENV)/.installed bytecode
install-test: $(VENV)/.installed-test bytecode

apt-updated = $(VENV)/.apt-updated
$(apt-updated): | $(BIN)/python
	$(SUDO) apt-get update -q
	@touch $@

dot:
	@command -v dot >/dev/null || { $(MAKE) --no-print-directory $(apt-updated) && $(APT) graphviz; }

chromium:
	@test -x /usr/bin/chromium || { $(MAKE) --no-print-directory $(apt-updated) && $(APT) chromium; }

migrate: install
	$(BIN)/python manage.py migrate --noinput

samples: migrate
	$(BIN)/python manage.py load_samples

test-sqlite:
	$(BIN)/python -m pytest

# What does not depend on the database's engine runs once, in the SQLite pass: the schema and
# fuzz tests (200 s of the PostgreSQL pass on a loaded machine, a table flush per example), the
# drawings, the static files and the real-world corpus's import-and-draw checks.
ENGINE_NEUTRAL := test_openapi.py test_api_fuzz.py test_api_executions_fuzz.py suites/test_api_fuzz_suites.py \
	test_realworld_corpus.py test_graph.py test_graph_light.py test_static.py
test-postgres:
	DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/python -m pytest -m "not browser" tests/designer \
		$(addprefix --ignore=tests/designer/,$(ENGINE_NEUTRAL))

clean:
	rm -rf $(VENV) var
