# ip5pub — two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make brief   create .venv, install, render sources/ into build/
#   make test    create .venv, install, run the whole test suite
# and three run ip5pub in a workspace folder without activating .venv:
#   make init DIR=~/weekly-brief     ip5pub init DIR
#   make render DIR=~/weekly-brief   ip5pub render -f all, in DIR
#   make digest DIR=~/weekly-brief   ip5pub digest --since 7d, in DIR
#
# System packages (installed by `make system-deps` when run as root with
# apt-get, otherwise listed so you can install them yourself):
#   fonts-noto-core fonts-noto-cjk   real glyphs for Latin and CJK notices
#   libharfbuzz-subset0              fast font subsetting (CJK PDFs in < 1 s)
#   poppler-utils                    pdftotext/pdftoppm, used by tests and for previews
#   default-jre-headless             Java for EPUBCheck (`ip5pub check`, tests)
# pandoc (the .docx reader) comes from the pypandoc-binary wheel; no system pandoc needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 poppler-utils default-jre-headless
PYTEST_ARGS ?=
DIR ?= .
IP5PUB := $(abspath $(BIN))/ip5pub

.PHONY: brief test lint system-deps clean bench init render digest

brief: $(VENV)/.installed system-deps
	$(BIN)/ip5pub render -f pdf -f epub -f txt

test: $(VENV)/.installed system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

init: $(VENV)/.installed
	$(IP5PUB) init "$(DIR)"

render: $(VENV)/.installed
	cd "$(DIR)" && $(IP5PUB) render -f all

digest: $(VENV)/.installed
	cd "$(DIR)" && $(IP5PUB) digest --since 7d

# ruff (rules in pyproject.toml) and mypy; CI runs this before the tests.
lint: $(VENV)/.installed
	$(BIN)/ruff check ip5pub tests bench
	$(BIN)/mypy

bench: $(VENV)/.installed system-deps
	$(BIN)/python bench/bench.py

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Installs what is missing; never fails the build when it cannot install,
# but says what to install by hand.
system-deps:
	@missing=""; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -q "NotoSerif-Regular" || missing="$$missing fonts-noto-core"; \
	ls /usr/lib/*/libharfbuzz-subset.so.0 >/dev/null 2>&1 || missing="$$missing libharfbuzz-subset0"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: could not install$$missing; install them by hand"; \
	  else \
	    echo "warning: missing system packages:$$missing (e.g. sudo apt-get install$$missing)"; \
	  fi; \
	fi

clean:
	rm -rf build/* .pytest_cache
	touch build/.gitkeep
