# `make run` and `make test` are all a fresh clone needs (README.md).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck unit bench clean system-deps fonts

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Debian packages: a CJK font for the charts (make run, make test), Chromium for the browser
# tests (make test). Installed with apt-get when missing (as root, or through sudo).
APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo "sudo -n apt-get")
define apt_install
	@if [ -n "$(1)" ]; then echo "Installing Debian packages:$(1)"; \
	  $(APT) update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $(APT) install -y -q $(1) >/dev/null \
	  || { echo "Could not install$(1); install them with apt-get and retry."; exit 1; }; fi
endef

fonts:
	$(call apt_install,$(shell fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || echo " fonts-noto-cjk fontconfig"))

system-deps: fonts
	$(call apt_install,$(shell command -v chromium >/dev/null || echo " chromium"))

# plans the sample county; the last line is the report's path
run: install fonts
	@folder=$$($(BIN)/planner plan | tee /dev/stderr | tail -n 1) && echo "$$folder/report.html"

lint: install
	$(BIN)/ruff check planner tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

test: system-deps lint typecheck unit

bench: install
	$(BIN)/python benchmarks/bench_plan.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
