"""What the browser journeys need, checked without importing Playwright.

The journeys run when three things are present: Debian's Chromium at
/usr/bin/chromium, the `playwright` Python package (the `browser` extra) and
axe-core in node_modules (`npm ci`). When one is missing, every journey module
skips itself with one message that says what to install, so that `make test`
passes on a machine without a browser and says so in its summary. CI sets
TALKA_BROWSER_REQUIRED=1, which turns that skip into a failure: there a
missing browser must not pass unnoticed.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("TALKA_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

# Debian's Chromium, headless, as root, on a machine with no outside network:
# without the background-networking flags it keeps trying to reach Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_prerequisites() -> list[str]:
    """What is missing for the journeys, each with how to install it."""
    missing = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append("Chromium not installed (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package is not installed (pip install -e '.[browser]')")
    if not AXE_JS.is_file():
        missing.append("axe-core is not installed (npm ci)")
    return missing


def require_browser() -> None:
    """Call at the top of every journey module, before importing Playwright."""
    missing = missing_prerequisites()
    if not missing:
        return
    message = "browser journeys skipped: " + "; ".join(missing)
    if os.environ.get("TALKA_BROWSER_REQUIRED") == "1":
        pytest.fail(message.replace("skipped", "cannot run") +
                    " — TALKA_BROWSER_REQUIRED=1 (CI) does not allow skipping them",
                    pytrace=False)
    pytest.skip(message, allow_module_level=True)
