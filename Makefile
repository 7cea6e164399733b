# ip telecom IMAP/POP3 assistant - every entry point sets itself up first.
#   make run    set up, train if needed, start everything (Ctrl-C stops it)
#   make test   set up, train if needed, run every test
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/assistant.tar.gz
SETUP_STAMP := $(VENV)/.setup-done
TRAIN_INPUTS := config.yml domain.yml $(VENV)/.spacy_model \
	$(shell find data components -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null)
# Settings used by tests: support desk always closed, so results never depend on the clock.
TEST_SETTINGS := tests/settings/provider.closed.yml

.PHONY: setup test-deps run cluster test test-fast quick shell train validate lint unit stories nlu-test bench purge lock clean

setup: $(SETUP_STAMP)
$(SETUP_STAMP): requirements.txt constraints.txt scripts/setup.sh scripts/install_spacy_model.py widget/package-lock.json
	bash scripts/setup.sh
	touch $@
$(VENV)/.spacy_model: $(SETUP_STAMP)

train: $(MODEL)
$(MODEL): $(SETUP_STAMP) $(TRAIN_INPUTS)
	@echo "==> Training (config, domain, data or spaCy model changed)"
	@mkdir -p models
	time $(RASA) train --fixed-model-name assistant --out models
	@touch $@

run: $(MODEL)
	bash scripts/run.sh

# The same assistant as a local cluster: PostgreSQL, Redis, nginx, 2 Rasa and 2 action
# servers (CLUSTER_RASA, CLUSTER_ACTIONS); data in var/cluster; see cluster/README.md.
cluster: $(MODEL)
	bash scripts/cluster.sh

shell: $(MODEL)
	bash scripts/shell.sh

validate: $(SETUP_STAMP)
	$(RASA) data validate --max-history 5

lint: $(SETUP_STAMP)
	$(BIN)/ruff check .

# System packages the tests need (chromium, redis-server, hunspell-it), from Debian when missing.
test-deps:
	bash scripts/setup_test_deps.sh

unit: $(SETUP_STAMP)
	PROVIDER_SETTINGS=$(TEST_SETTINGS) $(BIN)/python -m pytest -q

# The fast loop while developing: lint and every test that needs no server and no browser
# (about a minute; `make test` still runs everything).
test-fast quick: $(SETUP_STAMP)
	$(BIN)/ruff check .
	PROVIDER_SETTINGS=$(TEST_SETTINGS) $(BIN)/python -m pytest -q -m "not stack and not browser and not servers and not cluster"

stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out results/stories

nlu-test: $(MODEL)
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu --out results/nlu --successes
	$(BIN)/python scripts/nlu_report.py results/nlu

test: validate lint test-deps $(MODEL)
	$(MAKE) unit
	$(MAKE) stories
	$(MAKE) nlu-test

bench: $(MODEL)
	$(BIN)/python -m bench

purge: $(SETUP_STAMP)
	$(BIN)/python -m escalation.purge

lock: $(SETUP_STAMP)
	{ echo "# Full lock of the virtualenv (pip freeze), used as pip constraints."; \
	  $(BIN)/pip freeze | grep -iv '^it.core.news.sm'; } > constraints.txt

clean:
	rm -rf models results .pytest_cache
