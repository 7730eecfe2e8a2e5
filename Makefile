# OpenOTC developer commands. `make demo` and `make test` are all a newcomer needs: both
# install what is missing first (Python venv, npm packages, the solc shim) and are idempotent.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMPS  := .stamps
NETWORK := ethereum:local:foundry
SOLIDITY := 'contracts/**/*.sol' 'interfaces/**/*.sol'

# anvil (from npm) and the venv's tools first on PATH, for ape-foundry and the scripts.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)

.PHONY: setup deps test test-deep bench-properties demo gas gas-trace slither mutate lint format clean

setup: $(STAMPS)/python $(STAMPS)/node solc deps

$(STAMPS)/python: pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# The registry mirror carries only this platform's anvil build, so `npm ci` (which insists on
# every optional platform package in the lock file) cannot run; install from the lock instead.
$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm install --no-save --no-audit --no-fund --loglevel=error
	@touch $@

# Cheap and always run, so the compiler wrapper follows this checkout wherever it lives.
solc: $(STAMPS)/node
	@tools/install-solc.sh > /dev/null

# Also always run: keeps the dependency copies ape makes small enough for ape to see every
# contract of the project (see the script).
deps: $(STAMPS)/node
	@tools/prune-deps.sh

test: setup
	$(BIN)/ape test --network $(NETWORK) -p no:cacheprovider

# The stateful suites with many more examples (run on demand, not in CI).
test-deep: setup
	HYPOTHESIS_PROFILE=deep $(BIN)/ape test --network $(NETWORK) -p no:cacheprovider -k properties

# Every stateful suite once (the CI profile unless HYPOTHESIS_PROFILE says otherwise): per suite
# the transactions mined, the wall time of its run, transactions per second, RPC calls per
# transaction; a suite below 60 per second is marked SLOW. Fails only if a suite fails.
bench-properties: setup
	$(BIN)/python -m openotc.devtools.bench_properties

demo: setup
	$(BIN)/ape run demo --network $(NETWORK) -v WARNING

gas: setup
	$(BIN)/ape run gas --network $(NETWORK) -v WARNING

gas-trace: setup
	$(BIN)/ape run gas_trace --network $(NETWORK) -v WARNING

slither: setup
	$(BIN)/python -m openotc.devtools.slither_gate

# Mutation testing (hours; not in CI): every contract's mutants against its subsystem's tests,
# resumable, results in audits/mutation.md and audits/mutation.json. MUTATE=<Contract ...>
# limits the run to some contracts.
mutate: setup
	$(BIN)/python -m openotc.devtools.mutate $(MUTATE)

lint: setup
	$(BIN)/ruff check openotc scripts tests ape_console_extras.py
	$(BIN)/ruff format --check openotc scripts tests ape_console_extras.py
	npx --no-install prettier --check $(SOLIDITY)
	npx --no-install solhint --max-warnings 0 $(SOLIDITY)

format: setup
	$(BIN)/ruff format openotc scripts tests ape_console_extras.py
	$(BIN)/ruff check --fix openotc scripts tests ape_console_extras.py
	npx --no-install prettier --write $(SOLIDITY)

clean:
	rm -rf .build contracts/.cache $(STAMPS) crytic-export
