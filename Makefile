# 师培 — two commands set up a fresh machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= $(CURDIR)/var
PG_URL ?= postgres://postgres@127.0.0.1:5432
PORT ?= 8000
export SHIPEI_DATA_DIR := $(DATA)

.PHONY: demo prod-local test test-pg test-sqlite lint format venv install install-test system-deps clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: $(BIN)/python

install: venv
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .

install-test: venv
	$(BIN)/pip install -q -r requirements-test.lock
	$(BIN)/pip install -q --no-deps -e .

# Debian packages the tests need (Chromium for Playwright, CJK fonts, HarfBuzz subsetting for
# WeasyPrint, poppler for PDF checks, nginx for the proxy's configuration, redis-server for a
# Redis of their own that they stop); installed only when missing and when running as root.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libharfbuzz-subset0 poppler-utils nginx redis-server
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "缺少系统软件包：$$missing（请以 root 运行或手动安装）"; exit 1; fi; fi

demo: install
	$(BIN)/shipei migrate --noinput -v0
	$(BIN)/shipei load_preset --all
	$(BIN)/shipei demo_setup
	$(BIN)/shipei collectstatic --noinput -v0
	@echo "服务地址：http://127.0.0.1:$(PORT)/  （Ctrl+C 停止）"
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/shipei db_worker >> $(DATA)/worker.log 2>&1 & \
	$(BIN)/shipei run_schedule --every 300 >> $(DATA)/worker.log 2>&1 & \
	$(BIN)/gunicorn shipei.wsgi -b 127.0.0.1:$(PORT) -w 2 --threads 4 --access-logfile - --error-logfile -

# The production shape on loopback with production settings: nginx with TLS, two app servers,
# the task worker and the scheduler on this machine's PostgreSQL and Redis (deploy/prod-local.sh;
# `deploy/prod-local.sh status|down`).
prod-local: install
	deploy/prod-local.sh up

test: install-test system-deps
	$(MAKE) --no-print-directory test-pg
	$(MAKE) --no-print-directory test-sqlite

# A fresh test database per run: its name carries the process id.
test-pg:
	DATABASE_URL=$(PG_URL)/shipei_$$$$ $(BIN)/pytest -n 2 --dist loadgroup -q --create-db

test-sqlite:
	DATABASE_URL=sqlite:///$(DATA)/test.sqlite3 $(BIN)/pytest -n 2 --dist loadgroup -q -m "not postgres and not browser"

# ruff, then the architecture: the layers and the plain notifications channel (pyproject.toml).
lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) $(DATA)
