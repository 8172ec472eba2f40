# The README's commands. Everything installs into .venv/ at the repository root.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# What runs the product only; the development and test tools come with `make test`.
RUN_STAMP := $(VENV)/.installed-run
TEST_ENV := DEBUG=true SECRET_KEY=test-secret-key-not-for-production-use-0123456789 \
	KLANKBORD_ENCRYPTION_KEYS=a2xhbmtib3JkLXRlc3Qta2V5LW5vdC1mb3ItcHJvZCE=

.PHONY: run test install lint typecheck messages benchmark clean

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -e ".[accurate]"
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -e ".[dev,accurate]"
	touch $(STAMP) $(RUN_STAMP)

install: $(RUN_STAMP)
	$(BIN)/klankbord init
	$(BIN)/klankbord compiletranslations

run: install
	$(BIN)/klankbord run

test: $(STAMP)
	$(TEST_ENV) $(BIN)/klankbord compiletranslations
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(TEST_ENV) $(BIN)/mypy klankbord

messages:
	$(TEST_ENV) $(BIN)/klankbord makemessages --locale nl --locale fr --no-obsolete --no-location

benchmark: $(STAMP)
	$(BIN)/python benchmarks/dashboard_latency.py
	$(BIN)/python benchmarks/scheduler.py
	$(BIN)/python benchmarks/language.py

clean:
	rm -rf $(VENV) var
