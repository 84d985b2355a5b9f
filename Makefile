# Quick start: `make demo` and `make test` (each sets up .venv on first use).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out
# the 3D viewer of reports and the web app: 3Dmol.js from the npm registry (BSD-3-Clause), never a CDN
VIEWER := src/nanoligand/web/static/3Dmol-min.js
THREEDMOL ?= 3dmol@^2.5.5

.PHONY: demo test fuzz e2e bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VIEWER):
	@rm -rf build/npm && mkdir -p build/npm
	@if command -v npm > /dev/null 2>&1 && (cd build/npm && npm pack --silent '$(THREEDMOL)' > /dev/null \
			&& tar xzf 3dmol-*.tgz package/build/3Dmol-min.js package/LICENSE); then \
		cp build/npm/package/LICENSE src/nanoligand/web/static/3Dmol-LICENSE.txt; \
		cp build/npm/package/build/3Dmol-min.js $@; echo "installed 3Dmol.js from the npm registry"; \
	else echo "warning: npm could not install 3dmol: reports and the web app will have no 3D view"; fi

$(VENV)/.installed: pyproject.toml | $(BIN)/python $(VIEWER)
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python $(VIEWER)
	$(BIN)/pip install -q -e '.[test]'
	@# the browser tests drive Debian's Chromium (Playwright's own browser download is not used)
	@command -v chromium > /dev/null 2>&1 || (DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium > /dev/null \
		|| (apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium > /dev/null)) \
		|| echo "warning: Chromium could not be installed: the browser tests (tests/e2e) will be skipped"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@mkdir -p $(OUT)
	$(BIN)/nanoligand build PbS --diameter-nm 4.8 --shape truncated-octahedron --termination seed004 \
		--shell native -o $(OUT)/pbs_4.8nm_seed004_capped.pdb -o $(OUT)/pbs_4.8nm_seed004_capped.extxyz \
		-o $(OUT)/pbs_4.8nm_seed004_capped.json
	$(BIN)/nanoligand report examples/pbs_seed004_study.yaml -o $(OUT)/pbs_4.8nm_seed004_report.html

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

# every parser fed 3000 generated inputs each (tests/test_fuzz.py; make test runs 120 of each)
fuzz: $(VENV)/.installed-test
	NANOLIGAND_FUZZ=1 $(BIN)/python -m pytest -q tests/test_fuzz.py

e2e: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q tests/e2e

bench: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/bench_cores.py
	cd benchmarks && ../$(BIN)/python bench_ligands.py
	$(BIN)/python benchmarks/bench_equilibria.py
	$(BIN)/python benchmarks/bench_shell.py
	$(BIN)/python benchmarks/bench_properties.py
	cd benchmarks && ../$(BIN)/python bench_screen.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
