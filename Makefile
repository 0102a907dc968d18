# One Makefile drives everything; every target is named in the README.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# How the build executes (see "Building a large course" in docs/contributing.md):
# JOBS items at once (default: the cores), CELL_TIMEOUT seconds per notebook cell (default 300).
ifdef JOBS
export COURSE_JOBS := $(JOBS)
endif
ifdef CELL_TIMEOUT
export COURSE_CELL_TIMEOUT := $(CELL_TIMEOUT)
endif
# pytest workers for `make test` (pytest-xdist): one per core, and one more, which works while the
# others wait on a subprocess, a kernel's start or a timeout (14 s of a fresh clone's 4 min 56 s).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

.PHONY: help setup browser serve build lesson execute test test-fast outputs bench clean lock

help:
	@echo "make serve   build the site and serve it at http://127.0.0.1:8000 (live reload)"
	@echo "make test    run every test: lessons, notebooks, figures, data, site, browser"
	@echo "make lesson  LESSON=docs/lessons/NN-name.md: run one lesson, list its problems by line"
	@echo "make build   build the static site into site/"
	@echo "make execute run the lessons into the build cache (SHARD=i/N: one shard)"
	@echo "make bench   time builds and the snippet tests against their floors"
	@echo "make outputs rewrite every # Output: comment to what the code prints (review the diff)"
	@echo "make clean   remove site/, caches and test artifacts"
	@echo "make lock    re-pin constraints.txt from the current environment"

# The virtual environment, with exact versions from constraints.txt, installed by uv (pinned there
# too): 4 s where pip took 25 s. uv does not read pip's settings, so the local wheels pip is told to
# look in ($$PIP_FIND_LINKS, where this machine keeps the CPU build of torch) are passed on. Not
# byte-compiled: Python compiles each module the first time it is imported.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt uv
	$(if $(PIP_FIND_LINKS),UV_FIND_LINKS="$(PIP_FIND_LINKS)") $(BIN)/uv pip install --python $(BIN)/python \
	  --quiet -c constraints.txt -e .
	touch $@

setup: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
# Without its recommended packages (a desktop's printing, power and GPU services; on the machine
# this was measured on, 19 packages in 9 s instead of 107 in 15 s), but with the font the pages'
# text is drawn in.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation

browser: $(CHROMIUM)

# Live reload without the printable course page (make build makes it): each edit rebuilds sooner.
serve: setup
	COURSE_PRINT_PAGE=false $(BIN)/mkdocs serve -a 127.0.0.1:8000

# Built beside site/ and swapped in only when the whole build succeeded.
build: setup
	rm -rf .cache/site-next
	$(BIN)/mkdocs build --strict --site-dir .cache/site-next
	rm -rf site && mv .cache/site-next site

# Execute into .cache/build without building the site; SHARD=2/4 executes the second of four
# shards (merge the shards' .cache/build folders, then `make build` executes nothing).
# Run one lesson as the build does, and list what `make test` would find wrong in it.
lesson: setup
	$(BIN)/python -m course.run.runs $(LESSON)

execute: setup
	$(BIN)/python -m course.run.runs $(if $(SHARD),--shard $(SHARD))

# Tests run in parallel (pytest-xdist); the tests that read the built site share one build.
test: setup browser
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# Everything except the full site build.
test-fast: setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup -m "not slow"

# After a deliberate library upgrade: refresh the documented outputs, then review `git diff`.
outputs: setup
	$(BIN)/pytest -q -p no:randomly --update-outputs docs
	git diff --stat -- docs

bench: setup
	$(BIN)/python -m course.check.bench

clean:
	rm -rf site .cache test-artifacts .pytest_cache

lock: setup
	@echo "# Exact versions for a reproducible build: the verified outputs depend on them." > constraints.txt
	@echo "# Regenerate with \`make lock\` after a deliberate upgrade, then \`make test\`." >> constraints.txt
	$(BIN)/pip freeze --exclude-editable | sed 's/+cpu$$//' >> constraints.txt
