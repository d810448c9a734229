# ip5pub — two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make brief   create .venv, install what rendering needs, render sources/ into build/
#   make test    the same plus the test tools (pytest, pypdf, ...), run the whole suite
# and three run ip5pub in a workspace folder without activating .venv:
#   make init DIR=~/weekly-brief     ip5pub init DIR
#   make render DIR=~/weekly-brief   ip5pub render -f all, in DIR
#   make digest DIR=~/weekly-brief   ip5pub digest --since 7d, in DIR
# (`make install` installs without rendering: what the weekly workflow runs.)
#
# System packages (installed by `make system-deps` when run as root with
# apt-get, otherwise listed so you can install them yourself):
#   libpango-1.0-0 libpangoft2-1.0-0 text layout for the PDF (WeasyPrint)
#   fonts-noto-core fonts-noto-cjk   real glyphs for Latin and CJK notices
#   libharfbuzz-subset0              fast font subsetting (CJK PDFs in < 1 s)
#   fontconfig                       fc-list: which installed font a chunked PDF's subsets come from
#   default-jre-headless             Java for EPUBCheck (`ip5pub check`)
# and for the tests only (`make test`):
#   poppler-utils                    pdftotext/pdftoppm, to read the PDFs the tests make
#   qpdf                             the qpdf command, to find PDF/A attachments by name
# pandoc (the .docx reader) comes from the pypandoc-binary wheel; no system pandoc needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 default-jre-headless
TEST_SYSTEM_PACKAGES := poppler-utils qpdf
PYTEST_ARGS ?=
DIR ?= .
IP5PUB := $(abspath $(BIN))/ip5pub

.PHONY: brief test lint install system-deps test-system-deps checkers clean bench init render digest messages

brief: $(VENV)/.runtime system-deps
	$(BIN)/ip5pub render -f pdf -f epub -f txt

test: $(VENV)/.installed system-deps test-system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.runtime

init: $(VENV)/.runtime
	$(IP5PUB) init "$(DIR)"

render: $(VENV)/.runtime
	cd "$(DIR)" && $(IP5PUB) render -f all

digest: $(VENV)/.runtime
	cd "$(DIR)" && $(IP5PUB) digest --since 7d

# ruff (rules in pyproject.toml) and mypy; CI runs this before the tests.
lint: $(VENV)/.installed
	$(BIN)/ruff check ip5pub tests bench
	$(BIN)/mypy

# Third-party checkers that slow tests run when they are installed (CI does):
# pdfua and outloud from PyPI for PDF/UA-1; DAISY Ace from npm for the EPUB,
# with Node.js and Debian's chromium for it to drive (the browser puppeteer
# would download is not fetched); calibre, a real reading system, for the
# EPUB as its text output shows it. Where one cannot be had, its tests skip.
ACE := @daisy/ace-cli@1.4.6
checkers: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[checkers]'
	@$(MAKE) --no-print-directory _packages PACKAGES="nodejs npm chromium"
	@# calibre (a real reading system's text output) on its own: a large install whose failure must not cost Ace its browser.
	@$(MAKE) --no-print-directory _packages PACKAGES="calibre"
	@command -v ace-cli >/dev/null || { command -v npm >/dev/null && [ "$$(id -u)" = 0 ] && \
	  echo "installing: $(ACE)" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --global --no-fund --no-audit --loglevel=error $(ACE); } \
	  || echo "warning: DAISY Ace is not installed; install it with: sudo PUPPETEER_SKIP_DOWNLOAD=1 npm install -g $(ACE)"

# The words of the briefs (babel.cfg: the templates' _()/ngettext(), the
# code's translate()), gathered into each language's catalog in
# ip5pub/locale/: a new one arrives untranslated, and tests/test_l10n.py fails
# until it is translated. The catalogs are read as they are (no .mo to build).
MESSAGE_KEYWORDS := -k translate:2 -k translate_plural:2,3 -k N_ -k css_gettext
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg $(MESSAGE_KEYWORDS) --no-location --sort-output -o build/ip5pub.pot .
	$(BIN)/pybabel update -i build/ip5pub.pot -d ip5pub/locale -D ip5pub --no-wrap --ignore-obsolete \
	  --no-fuzzy-matching --ignore-pot-creation-date

bench: $(VENV)/.installed system-deps test-system-deps
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The package's bytecode, compiled at install: an editable install writes
# none, so a fresh machine's first build (each run of the weekly workflow), or
# every build where PYTHONDONTWRITEBYTECODE is set (as in many containers),
# compiled the modules again in each process that imports them (the command,
# the layout workers' server): 0.57-0.60 s to import them without, 0.47-0.52 s
# with. Python ignores a file older than its source: an edited checkout stays right.
COMPILE = $(BIN)/python -m compileall -q ip5pub

# What rendering needs.
$(VENV)/.runtime: pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	$(COMPILE)
	touch $@

# What rendering needs and the test tools.
$(VENV)/.installed: pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(COMPILE)
	touch $@ $(VENV)/.runtime

# Installs what is missing; never fails the build when it cannot install,
# but says what to install by hand. Each package is probed by what ip5pub
# uses of it: a library Python can load, a font fontconfig knows, a command.
system-deps:
	@$(MAKE) --no-print-directory _packages PACKAGES="$(SYSTEM_PACKAGES)"

test-system-deps:
	@$(MAKE) --no-print-directory _packages PACKAGES="$(TEST_SYSTEM_PACKAGES)"

_packages:
	@missing=""; \
	has_lib() { $(PYTHON) -c "import ctypes, sys; ctypes.CDLL(sys.argv[1])" "$$1" 2>/dev/null; }; \
	for pkg in $(PACKAGES); do \
	  case $$pkg in \
	    libpango-1.0-0) has_lib libpango-1.0.so.0 ;; \
	    libpangoft2-1.0-0) has_lib libpangoft2-1.0.so.0 ;; \
	    libharfbuzz-subset0) has_lib libharfbuzz-subset.so.0 ;; \
	    fontconfig) command -v fc-list >/dev/null ;; \
	    fonts-noto-cjk) fc-list 2>/dev/null | grep -q "Noto Sans CJK" ;; \
	    fonts-noto-core) fc-list 2>/dev/null | grep -q "NotoSerif-Regular" ;; \
	    poppler-utils) command -v pdftotext >/dev/null ;; \
	    default-jre-headless) command -v java >/dev/null ;; \
	    qpdf) command -v qpdf >/dev/null ;; \
	    nodejs) command -v node >/dev/null ;; \
	    npm) command -v npm >/dev/null ;; \
	    chromium) command -v chromium >/dev/null ;; \
	    calibre) command -v ebook-convert >/dev/null ;; \
	    *) false ;; \
	  esac || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: could not install$$missing; install them by hand"; \
	  else \
	    echo "warning: missing system packages:$$missing (install them with: sudo apt-get install$$missing)"; \
	  fi; \
	fi

clean:
	rm -rf build/* .pytest_cache
	touch build/.gitkeep
