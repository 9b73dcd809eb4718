# esafety: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)
PG_URL ?= postgres://postgres@127.0.0.1:5432/esafety_ci
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: install run test test-postgres test-e2e test-drills lint bench clean

install: $(STAMP)

$(STAMP): requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "esafety needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@
	@echo "Installed: $(BIN)/esafety"

# Migrate the SQLite database under var/, load the fictional demo school and serve http://127.0.0.1:$(PORT)
# with a task worker and the scheduler beside it, printing the logins last. `make run PORT=8101` for another port.
run: install
	@mkdir -p var
	DEBUG=1 ESAFETY_REQUIRE_2FA=0 $(BIN)/esafety migrate --noinput -v 0
	@DEBUG=1 ESAFETY_REQUIRE_2FA=0 $(BIN)/esafety demo --if-empty --password-file var/demo-password > var/demo-logins.txt
	DEBUG=1 ESAFETY_REQUIRE_2FA=0 $(BIN)/esafety serve 127.0.0.1:$(PORT) --banner var/demo-logins.txt

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The suite's database tests on PostgreSQL with background tasks on RQ/Redis (as .ci/run does); the tests that
# never touch a database (engines, parsers: more than half the suite) ran in `make test` already.
test-postgres: install
	DATABASE_URL=$(PG_URL) ESAFETY_TASKS_BACKEND=rq ESAFETY_DATABASE_TESTS_ONLY=1 $(BIN)/pytest $(PYTEST_ARGS)

# End-to-end tests with real components: Chromium, Squid, Dovecot, squidGuard, Unbound (.ci/run installs them).
test-e2e: install
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

# The security drills that take minutes: Schemathesis over the API as two schools' users (see docs/security.md).
test-drills: install
	$(BIN)/pytest -m drill $(PYTEST_ARGS)

# ruff (format owns the layout), mypy on the whole package with django-stubs (strict on the two engines), and
# the import-linter contracts in pyproject.toml (docs/architecture.md). DEBUG=1: mypy's Django plugin loads the
# settings, which refuse the development secret key otherwise.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy esafety
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/filter/run.py
	$(BIN)/python bench/monitor/run.py
	$(BIN)/python bench/incidents/run.py

clean:
	rm -rf $(VENV) var/static .pytest_cache
