# Two commands set everything up on a fresh machine with Python 3.11:
#   make demo   installs, generates the 2022 campaign period and runs the whole pipeline
#   make test   installs and runs the test suite
#   make bench  times one daily run with a month and with a year of history
#   make bench-national  a year at 1x, 10x, 100x a province's volume, every mart in one pass (docs/benchmarks.md)
#   make dbt-rules  checks the demo's dbt build against the dbt-project-evaluator's rules
# uv is bootstrapped into .tools/ from the package index; everything else comes from uv.lock
# (`install` syncs .venv with it; the targets then run in .venv without syncing again).
# The dashboard's test opens it in Debian's chromium, which `make test` installs with apt.

PYTHON     ?= $(shell command -v python3.11 || command -v python3)
# the interpreter itself, not a shim (pyenv's): uv compares it with .venv's and would
# otherwise rebuild .venv at every make
PYTHON_EXE := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
UV_VERSION := 0.13.9
UV         := .tools/bin/uv
CHROMIUM   := /usr/bin/chromium
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export UV_COMPILE_BYTECODE := 1
export UV_PYTHON := $(PYTHON_EXE)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: install demo test bench bench-national dbt-rules clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --locked

$(CHROMIUM):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium \
	  || ($(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

demo: install
	$(UV) run --no-sync tthc demo

test: install $(CHROMIUM)
	$(UV) run --no-sync pytest

bench: install
	$(UV) run --no-sync python -m bench.daily_run

# SCALES="1 10" to stop earlier; a scale whose run the curve puts over 15 minutes is extrapolated, not run
SCALES ?= 1 10 100
bench-national: install
	$(UV) run --no-sync python -m bench.national_scale --scales $(SCALES)

# the dbt-project-evaluator's rules (dbt_project/dbt-bouncer.yml) on the demo's build
dbt-rules: install
	$(UV) run --no-sync python tools/check_dbt_rules.py

clean:
	rm -rf .venv .tools data dbt_project/target dbt_project/logs
