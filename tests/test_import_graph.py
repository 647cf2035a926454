"""The packages import each other in one direction: no module-level import cycle.

Only module-level imports count: an import inside a function runs when it is called, after
every module has loaded, which is how a model registers a rule of another feature.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in tree.body:
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` blocks do not run
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("app")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if base.startswith("app"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}
    return found


def graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in APP.rglob("*.py")}
    return {name: {m for m in _top_level_imports(path, name) if m in modules and m != name}
            for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_level_import_cycles():
    assert cycles(graph()) == []


def test_core_imports_no_feature():
    features = {"accounts", "admin", "api", "bulk", "demo", "hackathons", "ideas", "judging",
                "jobs", "opendata", "pilots", "places", "privacy", "programme", "public",
                "search", "teams"}
    for name, targets in graph().items():
        if name.startswith("app.core"):
            bad = {t for t in targets if t.split(".")[1] in features}
            assert not bad, f"{name} imports {bad}"


def test_features_never_import_the_demo():
    for name, targets in graph().items():
        if not name.startswith("app.demo") and not name.endswith(".demo"):
            assert not {t for t in targets if t.startswith("app.demo")}, name


def test_code_translates_through_the_kept_catalog():
    """Only app.core.translation asks Flask-Babel for gettext: elsewhere its lookup of
    domain, context and locale per string would come back, in every row of every list."""
    names = {"gettext", "ngettext", "lazy_gettext", "lazy_ngettext", "pgettext"}
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path == APP / "core" / "translation.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module == "flask_babel"
                    and names & {a.name for a in node.names}):
                found.append(str(path.relative_to(APP.parent)))
    assert found == []
