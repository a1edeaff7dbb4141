# The book's commands. On a fresh machine with Python 3.11 and make:
#   make book   -> creates .venv, installs pinned requirements, executes every notebook, builds _build/html
#   make test   -> creates .venv if needed, runs the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCALE  ?= ci

.PHONY: prune-cache variance setup scaffold student book bench seedcost test-compat test-latest replicate robustness execute html test chapter chapters clean check record golden

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

book: setup
	$(BIN)/python -m bookkit.run all --scale $(SCALE)

scaffold: setup
	@test -n "$(Q)" || { echo "usage: make scaffold Q=<question file.txt> [CLAIMS=<claims folder>]"; exit 2; }
	$(BIN)/python -m bookkit.run scaffold $(Q) $(if $(CLAIMS),--claims $(CLAIMS),)

student: setup
	$(BIN)/python -m bookkit.run student

bench: setup
	$(BIN)/python -m bookkit.run bench --scale $(SCALE) $(if $(JOBS),--jobs $(JOBS),)

seedcost: setup
	$(BIN)/python -m bookkit.run seedcost --scale $(SCALE) $(if $(NB),--only $(NB),) $(if $(COUNTS),--counts $(COUNTS),)

replicate: setup
	$(BIN)/python -m bookkit.run replicate --scale $(SCALE) $(if $(SEEDS),--seeds $(SEEDS),) $(if $(NB),--only $(NB),)

robustness: replicate

variance: setup
	$(BIN)/python -m bookkit.run variance $(if $(NOTES),--only $(NOTES),)

execute: setup
	$(BIN)/python -m bookkit.run execute --scale $(SCALE)

html: setup
	$(BIN)/python -m bookkit.run build

chapter: setup
	@test -n "$(CH)" || { echo "usage: make chapter CH=<part of a notebook path, e.g. q1-meta-rl>"; exit 2; }
	$(BIN)/python -m bookkit.run execute --scale $(SCALE) --only $(CH)

chapters: setup
	$(BIN)/python -m bookkit.run chapters

test: setup
	$(BIN)/python -m pytest -q

test-compat: setup
	BOOK_COMPAT=lowest $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_lowest_versions.py

test-latest: setup
	BOOK_COMPAT=latest $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_lowest_versions.py tests/test_colab_style.py

clean:
	rm -rf _build

prune-cache: setup
	$(BIN)/python -m bookkit.run prune-cache

check: setup
	$(BIN)/python -m bookkit.run check

record: setup
	$(BIN)/python -m bookkit.run record

golden: setup
	BOOK_RECORD_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_notebooks.py -k "golden"
