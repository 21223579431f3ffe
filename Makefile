# The two commands a new developer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run setup serve-dev test lint format check messages clean

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

## test: the whole suite (SQLite unless DATABASE_URL is set)
test: $(VENV)/.dev-installed
	$(PY) -m pytest $(PYTEST_ARGS)

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
