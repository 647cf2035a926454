# Talka: two commands for a newcomer — `make run` and `make test`.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test lint typecheck translations extract-messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed (editable) with the test extras; re-run when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations

run: $(VENV)/.installed translations
	$(BIN)/flask init-db
	@if $(BIN)/python -c "from app.demo import database_is_empty; import sys; sys.exit(0 if database_is_empty() else 1)"; then \
		$(BIN)/flask seed-demo; \
	else \
		echo "The database has data already: demo data not loaded (run 'flask --app wsgi seed-demo' to add it)."; \
	fi
	@echo "Talka is at http://127.0.0.1:$(PORT)"
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check app tests
	$(BIN)/bandit -q -c pyproject.toml -r app --severity-level medium  # medium/high: none, or # nosec BXXX - why

typecheck: $(VENV)/.installed
	$(BIN)/mypy

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o app/translations/messages.pot .
	# The Latvian catalog is kept 100 columns wide (as its translators wrote it), English at the default.
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l en --no-fuzzy-matching
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l lv --no-fuzzy-matching -w 100

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# --- Browser journeys (tests/browser) -----------------------------------------------------
# They need Debian's Chromium (as root: apt-get install chromium), the `browser` extra
# (Playwright, which drives that Chromium and never downloads a browser) and axe-core from
# npm. `make test` runs them when all three are there and otherwise skips them, saying so.
.PHONY: browser-tools test-browser

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.browser-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test,browser]"
	touch $@

browser-tools: $(VENV)/.browser-installed node_modules/axe-core/axe.min.js
	@test -x /usr/bin/chromium || echo "Chromium is missing: as root, apt-get install chromium"

# Only the journeys; here a missing browser is an error, not a skip.
test-browser: browser-tools translations
	TALKA_BROWSER_REQUIRED=1 $(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)
