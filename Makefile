# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= yuncheng2021
# `make run PORT=8410` serves on another port (8000 if not given).
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test check lint venv migrate demo messages bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_plan 2021
	$(BIN)/python manage.py seed_demo --password $(DEMO_PASSWORD) --with-progress

run: demo
	@echo "演示账号密码 / demo password: $(DEMO_PASSWORD)  (city, finance, energy, clerk-140802 …)"
	@# A task worker beside the server (background exports), stopped with it.
	$(BIN)/python manage.py task_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Two workers: these machines have two cores. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
test: venv
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

check: lint test

messages: venv
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py makemessages -d djangojs -l en --no-location --ignore=.venv --ignore=staticfiles --ignore=static/vendor
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache
