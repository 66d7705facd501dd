# `make run` and `make test` are all a fresh clone needs (README.md).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck unit nbval wheel bench clean system-deps fonts notebooks

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Debian packages: a CJK font for the charts (make run, make test), Chromium for the browser
# tests, LibreOffice Calc and poppler-utils to print plan.xlsx to PDF and read it (make test). Installed with apt-get when missing (as root, or through sudo).
APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo "sudo -n apt-get")
define apt_install
	@if [ -n "$(1)" ]; then echo "Installing Debian packages:$(1)"; \
	  $(APT) update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $(APT) install -y -q $(1) >/dev/null \
	  || { echo "Could not install$(1); install them with apt-get and retry."; exit 1; }; fi
endef

fonts:
	$(call apt_install,$(shell fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || echo " fonts-noto-cjk fontconfig"))

system-deps: fonts
	$(call apt_install,$(shell command -v chromium >/dev/null || echo " chromium")$(shell command -v soffice >/dev/null || echo " libreoffice-calc-nogui")$(shell command -v pdftotext >/dev/null || echo " poppler-utils"))

# plans the sample county; the last line is the report's path
run: install fonts
	@folder=$$($(BIN)/planner plan | tee /dev/stderr | tail -n 1) && echo "$$folder/report.html"

lint: install
	$(BIN)/ruff check planner tests benchmarks docs
	$(BIN)/ruff format --check planner tests benchmarks docs

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

# the notebooks run from a copy in a temporary folder, so they depend only on the installed
# package, and their outputs must match the ones committed in them
nbval: install
	@tmp=$$(mktemp -d) && cp notebooks/*.ipynb planner/notebooks/*.ipynb notebooks/sanitize.cfg "$$tmp"/ && \
	  (cd "$$tmp" && $(CURDIR)/$(BIN)/pytest --nbval -q -p no:cacheprovider \
	    --nbval-sanitize-with sanitize.cfg *.ipynb); rc=$$?; rm -rf "$$tmp"; exit $$rc

# the package as a user gets it: a wheel in a fresh venv, the sample county planned from another folder
wheel: install
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && log="$$tmp/install.log" && \
	  { $(BIN)/python -m pip wheel --no-deps -w "$$tmp/dist" . && $(PY) -m venv "$$tmp/venv" && \
	    "$$tmp/venv/bin/python" -m pip install "$$tmp"/dist/*.whl; } >"$$log" 2>&1 \
	  || { tail -n 30 "$$log"; echo "wheel: building or installing the wheel failed"; exit 1; } && \
	  cd "$$tmp" && "$$tmp/venv/bin/planner" plan --out "$$tmp/plan" >"$$tmp/plan.log" 2>&1 \
	  || { tail -n 30 "$$tmp/plan.log"; echo "wheel: planning the sample from the installed wheel failed"; exit 1; } && \
	  test -s "$$tmp/plan/report.html" && test -s "$$tmp/plan/plan.xlsx" && test -s "$$tmp/plan/visits.csv" && \
	  "$$tmp/venv/bin/planner" report "$$tmp/plan" --lang en >/dev/null 2>&1 && \
	  echo "wheel: the installed wheel planned the sample county from $$tmp, report included"

test: system-deps lint typecheck unit nbval wheel

# re-execute the notebooks in place after a change that alters their outputs
notebooks: install
	for nb in notebooks/*.ipynb planner/notebooks/*.ipynb; do (cd "$$(dirname "$$nb")" && \
	  $(CURDIR)/$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.record_timing=False "$$(basename "$$nb")"); done
	@# widget state holds random model ids: keep it out of the committed notebooks
	$(BIN)/python -c 'import glob, nbformat; nbs = [(f, nbformat.read(f, as_version=4)) for f in glob.glob("notebooks/*.ipynb") + glob.glob("planner/notebooks/*.ipynb")]; [(nb.metadata.pop("widgets", None), nbformat.write(nb, f)) for f, nb in nbs]' 

# what a user waits for (planner plan as a process), the path to national scale, plan quality,
# the report; minutes, not part of make test. The 1M case: bench_scale.py --cases 1M --dask
bench: install
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_scale.py --dask
	$(BIN)/python benchmarks/bench_plan.py --sizes 1000 10000
	$(BIN)/python benchmarks/bench_report.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
