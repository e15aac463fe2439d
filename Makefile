# Two commands set everything up on a fresh machine:
#   make demo   -> virtualenv, install, build the demo deck into output/
#   make test   -> virtualenv, install with test extras, run the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/posterdeck: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[survival,test]'
	touch $@

.PHONY: install demo test check
install: $(BIN)/posterdeck
	@# bytecode for the editable sources, as pip writes it for installed packages: the first
	@# build after set-up (or a pull) starts as fast as later ones, even with PYTHONDONTWRITEBYTECODE
	@$(BIN)/python -m compileall -q src
	@# matplotlib's list of the machine's fonts, which it builds on its first import (0.5 s): made
	@# here, so that the first build on a fresh machine does not pay it while drawing charts
	@MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.font_manager"

demo: install
	$(BIN)/posterdeck build

check: install
	$(BIN)/posterdeck check

test: install
	$(BIN)/python -m pytest -q
