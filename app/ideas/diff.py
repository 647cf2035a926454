"""Differences between two revisions of an idea: pure functions over plain data.

Texts are compared word by word with difflib; the result is a list of
(operation, text) pieces that the template shows with <ins>/<del> and words
for screen readers, so a change is never told by colour alone.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# Words, runs of whitespace, and single punctuation marks, so that a change of one
# word does not mark the whole line.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def diff_text(old: str, new: str) -> list[tuple[str, str]]:
    """Pieces (EQUAL | INSERT | DELETE, text) that turn `old` into `new`; merged runs."""
    a, b = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pieces: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1][0] == op:
            pieces[-1] = (op, pieces[-1][1] + text)
        else:
            pieces.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(EQUAL, "".join(a[i1:i2]))
        else:
            # A replacement shows the removed words first, then the added ones.
            add(DELETE, "".join(a[i1:i2]))
            add(INSERT, "".join(b[j1:j2]))
    return pieces


@dataclass
class FieldDiff:
    name: str
    changed: bool
    pieces: list[tuple[str, str]]


def indicators_text(indicators: list[dict] | None) -> str:
    """Indicators as lines of text, so they can be compared like the other fields."""
    lines = []
    for item in indicators or []:
        lines.append(f"{item.get('name', '')}: {item.get('baseline', '')} → "
                     f"{item.get('target', '')}")
    return "\n".join(lines)


def field_text(data: dict, name: str) -> str:
    value = data.get(name)
    if name == "indicators":
        return indicators_text(value)
    if value is None:
        return ""
    return str(value)


def diff_revisions(old: dict, new: dict, fields: list[str]) -> list[FieldDiff]:
    """One FieldDiff per field, in the given order."""
    result = []
    for name in fields:
        before, after = field_text(old, name), field_text(new, name)
        result.append(FieldDiff(name=name, changed=before != after,
                                pieces=diff_text(before, after) if before != after
                                else [(EQUAL, after)]))
    return result
