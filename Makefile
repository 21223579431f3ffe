# The two commands a new developer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run setup serve test lint format check messages bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## setup: virtualenv, requirements, migrations, seed data, demo accounts (DEBUG installs)
setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seed
	$(PY) manage.py create_demo_users --if-debug

## run: setup, then serve on http://127.0.0.1:$(PORT)/
run: setup
	@echo ""
	@echo "Theo dõi kiến nghị: http://127.0.0.1:$(PORT)/   (quản trị: http://127.0.0.1:$(PORT)/admin/)"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## serve: production serving with gunicorn (DEBUG off; needs SECRET_KEY, ALLOWED_HOSTS and
## usually DATABASE_URL in the environment; see README "Production"); with CELERY_BROKER_URL
## also the Celery worker and the beat scheduler (README "Jobs, reminders and the queue")
WEB_CONCURRENCY ?= 3
CELERY_CONCURRENCY ?= 2
CELERY_BEAT_FILE ?= celerybeat-schedule
BIND ?= 127.0.0.1:$(PORT)
serve: $(VENV)/.installed
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (and ALLOWED_HOSTS, DATABASE_URL)"; exit 1; }
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py load_seed
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	@# With a broker, the Celery worker and the beat scheduler run beside gunicorn and stop with it;
	@# without one, jobs run inside the web process (eager) and nothing else is started.
	@set -e; pids=""; \
	if [ -n "$$CELERY_BROKER_URL" ]; then \
		DEBUG=0 $(VENV)/bin/celery -A tracker worker --loglevel INFO \
			--concurrency $(CELERY_CONCURRENCY) & pids="$$pids $$!"; \
		DEBUG=0 $(VENV)/bin/celery -A tracker beat --loglevel INFO \
			--schedule $(CELERY_BEAT_FILE) & pids="$$pids $$!"; \
	else \
		echo "CELERY_BROKER_URL is not set: mail and other jobs run inside the web process."; \
	fi; \
	trap 'kill $$pids 2>/dev/null || true' EXIT INT TERM; \
	DEBUG=0 $(VENV)/bin/gunicorn tracker.wsgi:application \
		--bind $(BIND) --workers $(WEB_CONCURRENCY) \
		--access-logfile - --error-logfile - --forwarded-allow-ips '*'

## test: the whole suite (SQLite unless DATABASE_URL is set)
test: $(VENV)/.dev-installed
	$(PY) -m pytest $(PYTEST_ARGS)

## bench: pages, exports and import at 100,000 recommendations, on SQLite then PostgreSQL
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tracker_bench
bench: $(VENV)/.dev-installed
	env -u DATABASE_URL $(PY) bench/pages.py --repeat 30
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pages.py --repeat 30

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

## messages: refresh the Vietnamese translation catalogue after changing UI strings
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale vi --no-obsolete --add-location file --ignore '.venv/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --locale vi --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
