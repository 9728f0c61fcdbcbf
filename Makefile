# SI KoKoM — every set-up step lives here so a fresh machine needs only
# `make run` or `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
RASA    := $(VENV)/bin/rasa
STAMP   := $(VENV)/.installed-$(shell cat requirements.txt 2>/dev/null | sha256sum | cut -c1-12)

# Python 3.10 for Rasa 3.6: $PYTHON, the pyenv version named in .python-version,
# python3.10 on PATH, or any pyenv-installed 3.10.
PYTHON_VERSION := $(shell cat .python-version 2>/dev/null)
PYENV_ROOT ?= $(HOME)/.pyenv
BASE_PYTHON ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/$(PYTHON_VERSION)/bin/python3.10) \
                 $(shell command -v python3.10 2>/dev/null) \
                 $(wildcard $(PYENV_ROOT)/versions/3.10*/bin/python3.10))

# The trained model is named after a hash of everything that shapes it, so
# `make train` is a no-op when data and config are unchanged.
MODEL_HASH := $(shell cat config.yml domain.yml $$(find data -type f -name '*.yml' | LC_ALL=C sort) 2>/dev/null | sha256sum | cut -c1-16)
MODEL      := models/kokom-$(MODEL_HASH).tar.gz

export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export RASA_TELEMETRY_ENABLED ?= false

.PHONY: help install train run test test-fast eval shell validate freeze clean-models browser bench admin
.PHONY: nginx cluster
.PHONY: retrain deploy-model rollback-model

help:
	@echo "make run      install, train if needed, start assistant + action server (Ctrl-C stops all)"
	@echo "make test     install, train if needed, run every test"
	@echo "make cluster  production shape here: 2 Rasa + 2 action servers + console behind nginx on 127.0.0.1:8080 (Ctrl-C stops all)"
	@echo "make test-fast  units, actions in-process, console with a fake Rasa: no model, no servers (< 1 min)"
	@echo "make train    train the model unless one matches data and config ($(MODEL))"
	@echo "make eval     NLU (split + unseen residents) and routing report through the real assistant"
	@echo "make shell    chat in the terminal (starts the action server too)"
	@echo "make validate rasa data validate"
	@echo "make bench    throughput/latency benchmark into docs/benchmarks.md (BENCH_ARGS=--quick: short run)"
	@echo "make admin    create the first console admin: make admin ADMIN=username (asks for the password)"
	@echo "make retrain  review-queue examples -> train -> report vs the running model (docs/pemeliharaan.md)"
	@echo "make deploy-model [MODEL_FILE=...] [FORCE=1]   load a model into the running Rasa; make rollback-model"
	@echo "make backup   database + conversations + media into var/backups (make restore ARCHIVE=...)"
	@echo "make retention  apply the office's retention periods (retention-dry-run: only list)"

install: $(STAMP)

$(STAMP): requirements.txt
	@if [ -z "$(BASE_PYTHON)" ]; then echo "Python 3.10 not found (install it with pyenv: pyenv install 3.10.13)"; exit 1; fi
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
		rm -rf $(VENV); $(BASE_PYTHON) -m venv $(VENV); fi
	$(PIP) install --quiet --disable-pip-version-check --upgrade "pip<24.1" "setuptools<71" wheel
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	$(PIP) check
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(MODEL): | $(STAMP)
	@mkdir -p models
	@start=$$(date +%s); $(RASA) train --fixed-model-name kokom-$(MODEL_HASH) --out models --num-threads 2 \
		&& echo $$(( $$(date +%s) - start )) > models/kokom-$(MODEL_HASH).train-seconds  # read by make bench
	@ls -1t models/kokom-*.tar.gz | tail -n +4 | xargs -r rm -f  # keep the 3 newest

train: install $(MODEL)

validate: install
	$(RASA) data validate

run: train
	KOKOM_MODEL=$(MODEL) $(PY) scripts/run.py

ADMIN ?= admin
admin: install
	$(PY) -m console create-admin $(ADMIN)

shell: train
	KOKOM_MODEL=$(MODEL) $(PY) scripts/run.py --shell

# Debian's Chromium drives the browser tests (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's nginx in front of `make cluster` and tests/test_cluster_nginx.py (never started as a service here).
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
		echo "Installing Debian's nginx-light for the cluster and its test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

test: train browser nginx
	KOKOM_MODEL=$(MODEL) $(PY) -m pytest -q

# Two Rasa servers, two action servers and the console behind nginx on 127.0.0.1:8080, on PostgreSQL
# and Redis (DATABASE_URL, TRACKER_DATABASE_URL, REDIS_URL or the local servers); CLUSTER_ARGS=--port 9090.
CLUSTER_ARGS ?=
cluster: train nginx
	KOKOM_MODEL=$(MODEL) $(PY) scripts/cluster.py $(CLUSTER_ARGS)

# Tests that start Rasa/action servers are marked e2e by the fixtures they use (tests/conftest.py).
test-fast: install
	$(PY) -m pytest -q -n auto -m "not e2e and not browser"

# NLU on the split and on residents' unseen messages, fallback thresholds, and routing
# through the real assistant (starts Rasa + action server on free ports; a few minutes).
# Every set: the held-out split, and each writer's unseen/routing/forms sets (docs/nlu-eval.md).
UNSEEN_SETS := $(sort $(wildcard tests/nlu/unseen_residents*.yml))
ROUTING_SETS := $(sort $(wildcard tests/conversations/routing*.yml))
FORMS_SETS := $(sort $(wildcard tests/conversations/forms*.yml))
eval: train
	@mkdir -p var
	$(PY) scripts/eval_nlu.py --model $(MODEL) --data tests/nlu/test_split.yml \
		$(foreach f,$(UNSEEN_SETS),--unseen $(f)) $(foreach f,$(ROUTING_SETS),--routing $(f)) \
		--thresholds --json var/eval.json
	$(PY) scripts/eval_forms.py --model $(MODEL) $(foreach f,$(FORMS_SETS),--data $(f)) --json var/eval_forms.json

# Open-loop WhatsApp load at rising rates + the REST floor; appends to docs/benchmarks.md
# (about 6 minutes). BENCH_ARGS=--quick for a short smoke run; see `bench/run.py --help`.
BENCH_ARGS ?=
bench: train
	KOKOM_MODEL=$(MODEL) $(PY) bench/run.py $(BENCH_ARGS)

freeze:
	$(PIP) freeze --exclude-editable | sed '/^-e /d' > /tmp/kokom-freeze.txt
	@echo "review /tmp/kokom-freeze.txt and copy it into requirements.txt (keep the header)"

clean-models:
	rm -f models/*.tar.gz

# --- maintainers' loop (issue 12; docs/pemeliharaan.md) ---------------------------------
# retrain: review queue -> data/nlu/reviewed.yml, checks, train, report vs the running model
# (var/model-reports/). deploy-model: load MODEL_FILE (default: the newest report's model) into
# the running Rasa (FORCE=1 deploys a model the report refused; audited). rollback-model: the one before.
retrain: install
	$(PY) scripts/retrain.py --actor "$${USER:-cli}" retrain

deploy-model: install
	$(PY) scripts/retrain.py --actor "$${USER:-cli}" deploy $(if $(MODEL_FILE),--model $(MODEL_FILE)) $(if $(FORCE),--force)

rollback-model: install
	$(PY) scripts/retrain.py --actor "$${USER:-cli}" rollback
# --- operations (docs/deploy.md): backups, restore, retention (UU 27/2022 PDP) -----------
.PHONY: backup restore retention retention-dry-run
BACKUP_DIR ?= var/backups
backup: install
	$(PY) -m kokom.backup create --out $(BACKUP_DIR)

# make restore ARCHIVE=var/backups/kokom-backup-....tar  (into an EMPTY database; FORCE=1 overwrites)
restore: install
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=path/to/kokom-backup-....tar"; exit 2; }
	$(PY) -m kokom.backup restore $(ARCHIVE) $(if $(FORCE),--force,)

retention: install
	$(PY) -m kokom.pdp retention

retention-dry-run: install
	$(PY) -m kokom.pdp retention --dry-run
