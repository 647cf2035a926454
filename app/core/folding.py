"""Text compared without regard to Latvian diacritics or case: "cesis" matches "Cēsis".

One letter table serves Python (`fold`) and SQL (`folded(column)`): on SQLite `folded` calls
`fold` itself, registered on each connection; on PostgreSQL it is `translate(lower(...))`,
so both databases match alike without an extension.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

LETTERS = {"ā": "a", "č": "c", "ē": "e", "ģ": "g", "ī": "i", "ķ": "k", "ļ": "l", "ņ": "n",
           "ō": "o", "ŗ": "r", "š": "s", "ū": "u", "ž": "z"}
SQLITE_FUNCTION = "talka_fold"


class _FoldedLetters(dict):
    """{code point: the letter folded} for `str.translate`, each letter worked out once: its
    compatibility decomposition without its combining marks ("ā" → "a", "ﬁ" → "fi"). Letter
    by letter this is what folding the whole text gives: the marks dropped are the only
    characters normalisation reorders."""

    def __missing__(self, code: int) -> str:
        letter = "".join(ch for ch in unicodedata.normalize("NFKD", chr(code))
                         if not unicodedata.combining(ch))
        if code < _KEPT_BELOW:  # the scripts of Europe and their punctuation: bounded
            self[code] = letter
        return letter


_KEPT_BELOW = 0x3000
_FOLDED_LETTERS = _FoldedLetters({ord(k): v for k, v in LETTERS.items()})


def fold(text: str | None) -> str:
    """Lower case without diacritics: the form both sides of a match are compared in.
    (SQLite calls it for every row a search reads from a column without a folded copy.)"""
    if text is None:
        return ""
    lower = text.lower()
    return lower if lower.isascii() else lower.translate(_FOLDED_LETTERS)


class folded(FunctionElement):
    """`fold(column)` inside a query."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded)
def _folded_other(element: folded, compiler: Any, **kw: Any) -> str:
    source = "".join(LETTERS)
    target = "".join(LETTERS.values())
    return (f"translate(lower({compiler.process(element.clauses, **kw)}), "
            f"'{source}', '{target}')")


def like_pattern(word: str) -> str:
    """`%word%` for LIKE, the word folded and its own wildcards matching themselves."""
    escaped = fold(word).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_folded(column: Any, word: str) -> Any:
    """`column` contains `word`, both folded."""
    return folded(column).like(like_pattern(word), escape="\\")


def contains(folded_column: Any, word: str) -> Any:
    """A column that keeps its text folded already (`folded_copy`) contains `word`."""
    return folded_column.like(like_pattern(word), escape="\\")


# --- a folded copy kept beside the text -----------------------------------------------------------
# Searching thousands of rows must not fold every row on every search: each searchable model
# keeps `fold(" ".join(sources))` in a column of its own, set whenever a source is set (in an
# operation, the demo or a test alike), so a search is one plain LIKE.

FOLDED: dict[type, tuple[str, tuple[str, ...]]] = {}


def folded_copy(model: type, target: str, *sources: str) -> None:
    """Keep `model.<target>` the folded text of `model.<sources>`, joined by spaces."""
    from sqlalchemy import event

    FOLDED[model] = (target, sources)

    def on_set(instance: Any, value: Any, _old: Any, initiator: Any) -> None:
        parts = [value if name == initiator.key else getattr(instance, name, None)
                 for name in sources]
        setattr(instance, target, fold(" ".join(p for p in parts if isinstance(p, str))))

    for name in sources:
        event.listen(getattr(model, name), "set", on_set)


def folded_row(model: type, row: dict[str, Any]) -> None:
    """For a bulk insert that passes the ORM by: fill the folded column of a row dict."""
    if model in FOLDED:
        target, sources = FOLDED[model]
        row[target] = fold(" ".join(str(row.get(s) or "") for s in sources))
