# Brandstation — `make help` lists the targets. Two commands matter: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
BIN       := $(VENV)/bin
# Set TORCH_INDEX_URL to a CPU wheel index to skip the ~4.6 GB of CUDA packages PyPI's Linux torch pulls in.
TORCH_INDEX_URL ?=
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

# The first Python 3.10 that really runs (a pyenv shim on PATH may exist without a selected 3.10).
PYTHON310 := $(shell for c in $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python3.10 2>/dev/null) \
  $$(command -v python3.10 2>/dev/null); do "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' \
  2>/dev/null && { echo "$$c"; break; }; done)
CATALOG_CODE := $(wildcard knowledge/catalog.py knowledge/passives.py knowledge/fasteners.py knowledge/bearings_iso15.py knowledge/commerce.py knowledge/units.py knowledge/attributes.py)
RASA_INPUTS := config.yml domain.yml $(shell find data bot/nlu -type f 2>/dev/null)
MODEL := models/brandstation.tar.gz

.PHONY: help install run serve ingest index train test lint types unit reliability security fuzz attack stories e2e browser browser-deps bench eval load services services-stop scaled run-scaled analytics clean lock

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## create .venv (Python 3.10) with the pinned dependencies

$(VENV)/.installed: requirements.lock pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then echo "Python 3.10 is required (Rasa 3.6 does not run on 3.11+)."; \
	  echo "Install it, e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv', then rerun."; exit 1; fi
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.3.1"
	@if [ -n "$(TORCH_INDEX_URL)" ]; then \
	  $(PY) -m pip install --quiet --no-deps torch==$$(grep -E '^torch==' requirements.lock | cut -d= -f3) --index-url "$(TORCH_INDEX_URL)" && \
	  grep -vE '^(torch|triton|nvidia-|cuda-)' requirements.lock > $(VENV)/requirements.cpu.lock && \
	  $(PY) -m pip install --quiet --no-deps -r $(VENV)/requirements.cpu.lock; \
	else $(PY) -m pip install --quiet --no-deps -r requirements.lock; fi
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

var/catalog.sqlite: $(VENV)/.installed $(CATALOG_CODE) $(shell find catalog/sources -type f 2>/dev/null)
	$(BIN)/brandstation ingest

ingest: $(VENV)/.installed ## rebuild the catalog store from catalog/sources (progress bars)
	$(BIN)/brandstation ingest

index: var/catalog.sqlite ## build the faiss + lexical indexes (no-op when current)
	$(BIN)/brandstation index

train: $(MODEL) ## train the Rasa model when data/config changed

$(MODEL): $(VENV)/.installed $(RASA_INPUTS)
	$(BIN)/rasa train --config config.yml --domain domain.yml --data data --out models --fixed-model-name brandstation

run: install index train ## install, ingest, index, train as needed, then start everything
	$(BIN)/brandstation serve --model $(MODEL)

serve: ## start the stack without checking the build steps
	$(BIN)/brandstation serve --model $(MODEL)

run-scaled: install index train ## run, scaled out: 2 Rasa replicas + 2 action servers behind haproxy, PostgreSQL + Redis (make services first)
	$(PY) -m bot.scaled --model $(MODEL)

lint: $(VENV)/.installed ## ruff lint + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(VENV)/.installed ## mypy on knowledge/ and bot/
	$(BIN)/mypy knowledge bot

unit: $(VENV)/.installed var/catalog.sqlite ## unit, action and consistency tests (some check the real catalog)
	$(BIN)/pytest -q tests/unit tests/actions tests/consistency

stories: $(MODEL) ## rasa test core on tests/stories (fails on any prediction error)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out var/story-results

security: $(MODEL) var/catalog.sqlite ## attacks from docs/security.md against the real code and servers (tests/security)
	$(BIN)/pytest -q -m security tests/security

fuzz: $(VENV)/.installed ## hypothesis fuzzing: BOM reader, value parser, chat input path (FUZZ_EXAMPLES each, default 10000)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-10000} $(BIN)/pytest -q -m fuzz tests/fuzz

e2e: $(MODEL) var/catalog.sqlite ## real servers on free loopback ports, REST + socket.io turns
	$(BIN)/pytest -q tests/e2e

reliability: $(VENV)/.installed ## lead delivery fault test: 500 leads, 30% 500s, stalls, refused connections, kill -9 (~10 s)
	$(BIN)/pytest -q -m reliability tests/reliability

browser-deps: ## Debian's chromium + chromium-driver for the browser tests (apt-get, root or sudo; no-op when present)
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
	  echo "present: $$(chromedriver --version | head -n1)"; \
	else \
	  SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends chromium chromium-driver; \
	fi

browser: $(MODEL) var/catalog.sqlite ## real Chromium on the web chat (skipped without it); screenshots in test-artifacts/browser/
	$(BIN)/pytest -q -m browser tests/browser

test: lint types unit reliability security stories e2e browser ## everything CI runs

bench: index ## search / index / embedding benchmarks -> bench/results/*.json
	$(PY) -m bench.run

load: index train ## load test: bare Rasa moodbot vs the full bot, embedded and scaled (make services), at 1/20/100 users, 40 s each (~10 min) -> bench/results/load.json
	$(PY) -m bench.load

attack: index train ## one buyer sends 100,000-character messages back to back while 20 others chat: their p95 with ÷ without (~3 min) -> bench/results/attacker.json
	$(PY) -m bench.attacker

services: ## PostgreSQL + Redis + RabbitMQ (+ haproxy installed) on loopback, data under var/services/ (apt-get when missing; idempotent)
	ops/services.sh start

services-stop: ## stop what make services started
	ops/services.sh stop

analytics: ## the analytics consumer: Rasa's events from RabbitMQ into the console's tables (make services first; Ctrl-C stops)
	$(PY) -m bot.analytics_consumer

scaled: $(MODEL) var/catalog.sqlite ## replicas on PostgreSQL + Redis; run-scaled under kill -9 and a PostgreSQL restart (~6 min; skipped without make services)
	$(BIN)/pytest -q -m scaled tests/scaled

eval: index ## quality figures: cross-references, hard-rule violations, drop-in recall, BOM reading and matching -> bench/results/eval.json
	$(PY) -m bench.eval

lock: ## re-resolve requirements.in in one pip run and rewrite requirements.lock
	rm -rf /tmp/brandstation-lock && $(PYTHON310) -m venv /tmp/brandstation-lock
	/tmp/brandstation-lock/bin/pip install --quiet -r requirements.in
	/tmp/brandstation-lock/bin/pip freeze | grep -v '^-e' > requirements.lock.new && mv requirements.lock.new requirements.lock

clean: ## remove built data (keeps .venv)
	rm -rf var models/*.tar.gz
