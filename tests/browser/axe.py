"""axe-core in the page: WCAG 2.1 A and AA rules, zero serious or critical violations.

How axe gets into a page despite our Content-Security-Policy (`script-src
'self'`, no inline scripts): `page.add_script_tag(path=...)` would insert the
file's text as an inline <script>, which the CSP blocks. Instead the browser
context answers one made-up same-origin address, /__axe__/axe.min.js, from
node_modules through a Playwright route (`install_route`), and the page loads
it with an ordinary <script src>. 'self' allows that, so the CSP stays fully
enforced in the journeys: a template that slipped in an inline script or a
style= attribute breaks in the tests as it would for real users (the journey
also fails on any CSP violation reported in the console). The alternative,
`bypass_csp=True` on the context, would switch the CSP off for the whole
journey and hide exactly those mistakes. `page.evaluate` (which starts
axe.run) goes through the DevTools protocol and is not subject to the CSP.
"""

from __future__ import annotations

from tests.browser.support import AXE_JS

AXE_PATH = "/__axe__/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

_RUN = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                              summary: n.failureSummary})),
  }));
}"""


def install_route(context, base_url: str) -> None:
    """Serve axe.min.js to the pages of `context` at a same-origin address."""
    body = AXE_JS.read_bytes()
    context.route(base_url + AXE_PATH, lambda route: route.fulfill(
        status=200, body=body, content_type="application/javascript; charset=utf-8"))


def run(page) -> list[dict]:
    """All WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    return page.evaluate(_RUN, TAGS)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(url: str, violations: list[dict], limit: int = 6) -> str:
    """Violations as a person reads them: rule, impact, what to do, and where."""
    lines = [f"axe-core: {len(violations)} serious/critical WCAG 2.1 A/AA violation(s) on {url}"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines.append(f"      {v['helpUrl']}")
        for node in v["nodes"][:limit]:
            lines.append(f"      at {node['target']}")
            lines.append(f"         {node['html'][:200]}")
            for hint in (node.get("summary") or "").splitlines():
                lines.append(f"         {hint}")
        if len(v["nodes"]) > limit:
            lines.append(f"      … and {len(v['nodes']) - limit} more")
    return "\n".join(lines)
