# The only entry points a person needs. Everything installs into .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := libs/meedenken-kit services/topics services/votes services/notifications services/gateway
WEB := services/gateway/meedenken_gateway/web
STAMP := $(VENV)/.installed

.PHONY: install run test fuzz audit bench bench-baseline bench-opinions deploy-check clean

install: $(STAMP)

$(STAMP): constraints.txt requirements-dev.txt $(addsuffix /pyproject.toml,$(PACKAGES)) $(WEB)/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Meedenken needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt $(addprefix -e ,$(PACKAGES)) -r requirements-dev.txt
	@command -v npm >/dev/null || { echo "npm is needed for the web assets (NL Design System CSS): install Node.js 18+"; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund --silent
	touch $(STAMP)

run: install
	$(BIN)/python scripts/run.py

test: install
	$(BIN)/python -m pytest

# the schemathesis run of `make test` with many more examples per operation (takes ~10 minutes)
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-150} $(BIN)/python -m pytest tests/test_fuzz.py

# pip-audit over constraints.txt; where the vulnerability data cannot be reached it says so and exits 0
audit: install
	$(BIN)/python scripts/audit.py

clean:
	rm -rf $(VENV) .run

bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (Debian: apt-get install wrk)"; exit 1; }
	$(BIN)/python bench/votes.py

bench-baseline: install
	$(BIN)/python bench/baseline.py

bench-opinions: install
	$(BIN)/python bench/opinion_groups.py

deploy-check: install
	$(BIN)/python scripts/deploy_check.py
