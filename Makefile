# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := DEBUG=1

.PHONY: run test install lint messages clean bench soak

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(DEV_ENV) $(BIN)/besace migrate --noinput
	$(DEV_ENV) $(BIN)/besace demo --if-empty
	# The background worker (badge re-verification, batch imports) stops when the server does.
	$(DEV_ENV) $(BIN)/besace db_worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/besace runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/ruff check src
	SECRET_KEY=test-only $(BIN)/besace check --fail-level WARNING
	SECRET_KEY=test-only $(BIN)/besace makemigrations --check --dry-run
	SECRET_KEY=test-only $(BIN)/pytest $(PYTEST_ARGS)

# Regenerate the translation catalogues after changing user-facing strings (needs GNU gettext).
messages: $(STAMP)
	cd src/besace && ../../$(BIN)/besace makemessages -l fr --no-obsolete --ignore 'openbadges/*' && ../../$(BIN)/besace compilemessages -l fr

lint: $(STAMP)
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src

clean:
	rm -rf $(VENV) .venv-validator var

# Benchmarks against the reference tools (bench/README.md), never run by the tests. The references live in
# virtualenvs of their own: openbadges-bakery in .venv-bench, validator-core in .venv-validator.
BENCH_STAMP := .venv-bench/.installed
$(BENCH_STAMP):
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install -q --disable-pip-version-check openbadges-bakery
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,bench]'
	SECRET_KEY=bench $(BIN)/python -c "from besace.testing.obvalidator import validator_python; validator_python()"
	command -v wrk >/dev/null && command -v redis-server >/dev/null || apt-get install -y -qq wrk redis-server
	$(BIN)/python bench/bench_all.py $(BENCH_ARGS)

# Ten minutes of a realistic request mix against gunicorn on loopback: no error, flat memory (bench/README.md).
soak: $(STAMP)
	$(BIN)/python bench/soak.py $(SOAK_ARGS)
