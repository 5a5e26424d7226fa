# Ombuds: `make run` sets up everything and serves the demo; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK_FLAGS := pyproject.toml --extra dev --extra bench --universal --python-version 3.11 \
	--generate-hashes --no-emit-index-url --quiet --custom-compile-command 'make lock'
PROD_ENV := OMBUDS_ENV=production DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	DJANGO_ALLOWED_HOSTS=ombuds.example.org OMBUDS_KEYS=k1:$$($(BIN)/python -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())') \
	OMBUDS_INDEX_KEY=$$($(BIN)/python -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')

.PHONY: install lock run serve test lint checks test-sqlite test-postgres messages clean

# Exactly the versions and files in requirements.lock (runtime, dev and bench), checked by hash.
$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit("Ombuds needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	@touch $@

# After changing the dependencies in pyproject.toml: re-lock, keeping every other version.
# `make lock UPGRADE=1` moves everything to the newest versions pyproject.toml allows.
lock: install
	$(BIN)/uv pip compile $(LOCK_FLAGS) $(if $(UPGRADE),--upgrade) -o requirements.lock

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --verbosity 1
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py sweep_attachments
	$(BIN)/python manage.py send_reminders
	$(BIN)/python manage.py build_statistics
	@echo "Outgoing mail is written to var/mail/ (one file per message); the outbox worker"
	@echo "(send_notifications) runs beside the server and retries what could not be sent."
	$(BIN)/python manage.py send_notifications & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install lint checks test-sqlite test-postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

checks: install
	$(PROD_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python tests/check_translations.py
	$(BIN)/python tests/check_lock.py $(BIN)/uv $(LOCK_FLAGS)

test-sqlite: install
	$(BIN)/python -m pytest -q

test-postgres: install
	$(BIN)/python tests/with_postgres.py -- $(BIN)/python -m pytest -q

messages: install
	$(BIN)/python manage.py makemessages -l ko -l en --no-obsolete --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var staticfiles
