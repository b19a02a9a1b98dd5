# ticketflow — `make run` starts everything, `make test` tests everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.local/bin/uv)
PY := $(CURDIR)/.venv/bin/python
export UV_PYTHON_DOWNLOADS := never
# Services start several times faster from compiled bytecode.
export UV_COMPILE_BYTECODE := 1

.PHONY: help deps system-deps python-deps kafka-jars keycloak-dist web-assets run servers test test-unit lint bench reliability clean

help:
	@echo "make run    install what is missing, start Kafka, MongoDB, Keycloak and all services, post demo tickets"
	@echo "make test   install what is missing, lint, run unit, integration and end-to-end tests"
	@echo "make bench  run the benchmarks under tests/bench (not part of make test)"
	@echo "make reliability  faults under a 10,000-submission load (make test runs a short one)"
	@echo "make lint   ruff and mypy"

deps: system-deps python-deps kafka-jars keycloak-dist web-assets

# Java runs the Kafka broker and Maven fetches its jars; both come from Debian if missing.
# Chromium's headless shell runs the dashboard's browser tests (tests/browser); npm installs
# the dashboard's browser assets.
CHROMIUM := /usr/bin/chromium-headless-shell
# Chinese on the pages (and in the screenshots) needs a CJK font.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
system-deps:
	@command -v java >/dev/null && command -v mvn >/dev/null && test -x $(CHROMIUM) && \
	  test -f $(CJK_FONT) && command -v npm >/dev/null || \
	  (apt-get update -q && apt-get install -y -q default-jre-headless maven \
	    chromium-headless-shell fonts-wqy-microhei $$(command -v npm >/dev/null || echo npm))

# The dashboard's htmx, its SSE extension, Chart.js and Swagger UI, pinned by the lock,
# into services/gateway/web/node_modules (git-ignored); the gateway serves them.
WEB := services/gateway/web
web-assets: $(WEB)/node_modules/.package-lock.json

$(WEB)/node_modules/.package-lock.json: $(WEB)/package.json $(WEB)/package-lock.json
	npm ci --prefix $(WEB) --ignore-scripts --no-audit --no-fund
	@touch $@

$(CURDIR)/.local/bin/uv:
	python3 -m venv .local/uv-venv
	.local/uv-venv/bin/pip install -q "uv==$(UV_VERSION)"
	mkdir -p .local/bin && ln -sf ../uv-venv/bin/uv .local/bin/uv

python-deps: $(UV)
	$(UV) sync --frozen

kafka-jars: python-deps
	$(PY) -c "from deploy.local.kafka import ensure_kafka_jars; ensure_kafka_jars()"

# Keycloak's distribution zip from Maven Central, unpacked into .local/keycloak once.
keycloak-dist: python-deps
	$(PY) -c "from deploy.local.keycloak import ensure_keycloak; ensure_keycloak()"

run: deps
	$(PY) -m deploy.local run

servers: deps
	$(PY) -m deploy.local servers

lint: python-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy shared services deploy

test: deps lint
	$(PY) -m pytest

test-unit: python-deps
	$(PY) -m pytest -m "not integration and not e2e and not reliability"

# Each tests/bench/*_bench.py is a script that starts its own servers and prints its figures
# as ratios against the raw floor (tests/bench/floor.py) measured in the same run.
bench: deps
	@set -e; for script in tests/bench/*_bench.py; do \
	  module=$${script%.py}; echo "== $$module"; $(PY) -m $${module//\//.}; done

# Every service killed, Kafka restarted and MongoDB crashed, one at a time, under a steady
# load of 10,000 submissions; prints each recovery time and fails on anything lost or doubled.
# 5/s: about what the whole pipeline sustains on 2 cores against the local SecantusDB once
# it holds thousands of tickets (4–5/s measured), so an outage's backlog drains; the last
# wait lasts as long as tickets keep being assigned.
reliability: deps
	$(PY) -m tests.reliability.fault_suite --tickets 10000 --rate 5

clean:
	rm -rf .local/run .pytest_cache .mypy_cache .ruff_cache
