# Quick start: `make demo` and `make test` (each sets up .venv on first use).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@mkdir -p $(OUT)
	$(BIN)/nanoligand build PbS --diameter 4.8 --shape truncated-octahedron --termination seed004 \
		--shell native -o $(OUT)/pbs_4.8nm_seed004_capped.pdb -o $(OUT)/pbs_4.8nm_seed004_capped.extxyz \
		-o $(OUT)/pbs_4.8nm_seed004_capped.json

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_cores.py
	cd benchmarks && ../$(BIN)/python bench_ligands.py
	$(BIN)/python benchmarks/bench_equilibria.py
	$(BIN)/python benchmarks/bench_shell.py
	$(BIN)/python benchmarks/bench_properties.py
	cd benchmarks && ../$(BIN)/python bench_screen.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
