"""A person in a browser: navigate, read, type, press keys; axe-core on every page.

A journey test drives `journey.page` (a Playwright page) through helpers that
audit each page they arrive at:

    journey.goto("/register")                       # open an address
    journey.click(page.get_by_role("button", ...))  # click something that loads a page
    journey.press("Enter")                          # a key that loads a page
    journey.audit()                                 # after a raw Playwright navigation

Every document the page loads is recorded; when the test ends, one that was
never audited, a 5xx answer, a Content-Security-Policy violation or an
uncaught script error fails the test. So a new journey cannot visit a page
without checking its accessibility.

Keyboard-only journeys use tab_to() (Tab until an element has the focus,
recording the focus order), type(), press() and assert_focus_visible().
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser import axe
from tests.browser.server import LiveServer


@dataclass
class _Document:
    url: str
    audited: bool = False


# axe-core 4.x no longer reports duplicate ids, but a <label for="x"> names only the
# first element with id x: a second form on the page with a field of the same name
# leaves its field unlabelled for screen readers (and clicking its label edits the
# other form's field).
_DUPLICATE_LABEL_TARGETS = """() => {
  const seen = {};
  for (const label of document.querySelectorAll('label[for]')) {
    const id = label.htmlFor;
    const count = document.querySelectorAll('#' + CSS.escape(id)).length;
    if (count > 1) seen[id] = count;
  }
  return Object.entries(seen).map(([id, n]) => `#${id} × ${n}`);
}"""


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120]


class Journey:
    def __init__(self, page: Page, server: LiveServer, actor: str = "visitor"):
        self.page = page
        self.server = server
        self.actor = actor
        self.documents: list[_Document] = []
        self.problems: list[str] = []
        self.allowed_statuses: set[int] = set()
        self.focus_order: list[str] = []
        page.on("load", self._on_load)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("response", self._on_response)

    # --- events --------------------------------------------------------------------
    def _on_load(self, page: Page) -> None:
        if not page.url.startswith(("about:", "data:")):
            self.documents.append(_Document(page.url))

    def _on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP violation on {self.page.url}: {message.text}")

    def _on_response(self, response) -> None:
        request = response.request
        if not response.url.startswith(self.server.url):
            return
        if request.is_navigation_request():
            if (request.frame == self.page.main_frame and response.status >= 500
                    and response.status not in self.allowed_statuses):
                self.problems.append(f"{request.method} {response.url} answered "
                                     f"{response.status}")
        elif response.status >= 400:
            # A stylesheet, script or image of our own that does not load.
            self.problems.append(f"{request.resource_type} {response.url} answered "
                                 f"{response.status} (on {self.page.url})")

    # --- navigation, each followed by an accessibility audit -------------------------
    def url(self, path: str) -> str:
        return self.server.url + path

    def goto(self, path: str, *, status: int | None = 200):
        response = self.page.goto(self.url(path))
        self._check_status(response, status, f"GET {path}")
        self.audit()
        return response

    def click(self, target: Locator, *, status: int | None = 200):
        """Click something that loads a new page (a link, a submit button)."""
        with self.page.expect_navigation() as navigation:
            target.click()
        self._check_status(navigation.value, status, f"after clicking {target}")
        self.audit()
        return navigation.value

    def press(self, key: str, *, status: int | None = 200):
        """Press a key that loads a new page (Enter on a link, Space on a button)."""
        with self.page.expect_navigation() as navigation:
            self.page.keyboard.press(key)
        self._check_status(navigation.value, status, f"after pressing {key}")
        self.audit()
        return navigation.value

    def _check_status(self, response, expected: int | None, what: str) -> None:
        if expected is None or response is None:
            return
        assert response.status == expected, (
            f"{what}: {response.url} answered {response.status}, expected {expected}")

    def audit(self) -> None:
        """Run axe-core (WCAG 2.1 A/AA) on the page as it is; fail on serious/critical."""
        self.page.wait_for_load_state("load")
        violations = axe.blocking(axe.run(self.page))
        duplicates = self.page.evaluate(_DUPLICATE_LABEL_TARGETS)
        # axe.run made round trips to the browser, so the load event of the document
        # being audited has been delivered: the newest recorded document is this one.
        if self.documents:
            self.documents[-1].audited = True
        assert not violations, axe.describe(self.page.url, violations)
        assert not duplicates, (
            f"on {self.page.url}, labels point at ids that several elements share, so a "
            f"label names only the first of them: {duplicates}")
        # A stylesheet that did not load, a CSP violation, a script error: stop here,
        # where the screenshot still shows the page concerned.
        assert not self.problems, "\n".join(self.problems)

    # --- reading -------------------------------------------------------------------
    def heading(self, text: str) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(text)

    def sees(self, text: str) -> None:
        expect(self.page.locator("main")).to_contain_text(text)

    def does_not_see(self, text: str) -> None:
        expect(self.page.locator("body")).not_to_contain_text(text)

    def flash(self, text: str) -> None:
        expect(self.page.locator(".flashes")).to_contain_text(text)

    def language_is(self, code: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", code)

    def main(self) -> Locator:
        return self.page.locator("main")

    # --- the keyboard ----------------------------------------------------------------
    def focused(self) -> str:
        """The focused element, e.g. 'input#email' or 'button "Reģistrēties"'."""
        return self.page.evaluate("""() => {
          const el = document.activeElement;
          if (!el || el === document.body) return 'body';
          let d = el.tagName.toLowerCase();
          if (el.id) d += '#' + el.id;
          else if (el.tagName === 'BUTTON' || el.tagName === 'A')
            d += ' "' + el.textContent.trim().replace(/\\s+/g, ' ') + '"';
          return d;
        }""")

    def tab_to(self, target: Locator, *, limit: int = 60, backwards: bool = False) -> list[str]:
        """Press Tab until `target` has the focus; the elements passed on the way.

        Fails if it is not reached in `limit` presses (it is not focusable, hidden,
        or out of the tab order).
        """
        key = "Shift+Tab" if backwards else "Tab"
        passed = []
        for _ in range(limit):
            self.page.keyboard.press(key)
            now = self.focused()
            passed.append(now)
            self.focus_order.append(now)
            if target.evaluate("el => el === document.activeElement"):
                return passed
        raise AssertionError(f"{target} not reached with {limit} × {key}; focus went through: "
                             + " → ".join(passed))

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def key(self, key: str) -> None:
        """A key that does not load a page (Space on a checkbox, letters in a select)."""
        self.page.keyboard.press(key)

    def assert_focus_visible(self) -> None:
        """The focused element shows a focus indicator (outline or box-shadow)."""
        style = self.page.evaluate("""() => {
          const s = getComputedStyle(document.activeElement);
          return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow};
        }""")
        visible = (style["outline"] != "none" and style["width"] not in ("0px", "")) or \
            style["shadow"] not in ("none", "")
        assert visible, f"no visible focus indicator on {self.focused()}: {style}"

    # --- the end of a test -------------------------------------------------------------
    def unfinished_business(self) -> list[str]:
        """Why the journey is not acceptable although its steps passed."""
        problems = list(self.problems)
        skipped = [d.url for d in self.documents if not d.audited]
        if skipped:
            problems.append("axe-core did not run on: " + ", ".join(skipped)
                            + " (navigate with journey.goto/click/press, or call journey.audit())")
        return problems

    def save_artifacts(self, directory: Path, name: str) -> list[Path]:
        """A screenshot and the HTML of the page as it is now."""
        directory.mkdir(parents=True, exist_ok=True)
        stem = directory / f"{_slug(name)}-{self.actor}-{time.strftime('%Y%m%d-%H%M%S')}"
        saved = []
        try:
            self.page.screenshot(path=str(stem) + ".png", full_page=True)
            saved.append(Path(str(stem) + ".png"))
        except Exception as exc:  # the page may be gone: report what we can
            saved.append(Path(f"(no screenshot: {exc})"))
        try:
            html = Path(str(stem) + ".html")
            html.write_text(f"<!-- {self.page.url} -->\n" + self.page.content())
            saved.append(html)
        except Exception as exc:
            saved.append(Path(f"(no HTML: {exc})"))
        return saved
