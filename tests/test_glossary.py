"""The Latvian catalog speaks the glossary's words (docs/glossary.md)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"


def _tables() -> list[list[tuple[str, ...]]]:
    """Each Markdown table of the glossary as rows of cells (header and rule left out)."""
    tables, rows = [], None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            cells = tuple(c.strip() for c in line.strip("|").split("|"))
            if rows is None:
                rows = []
            elif not set(cells[0]) <= {"-"}:
                rows.append(cells)
        elif rows is not None:
            tables.append(rows)
            rows = None
    if rows is not None:
        tables.append(rows)
    return tables


def _latvian() -> dict[str, tuple[str, ...]]:
    with open(ROOT / "app/translations/lv/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale="lv")
    return {(m.id[0] if isinstance(m.id, tuple) else m.id):
            (m.string if isinstance(m.string, tuple) else (m.string,))
            for m in catalog if m.id}


def test_key_terms_are_translated_with_the_glossary_term():
    terms, _avoid = _tables()
    latvian = _latvian()
    wrong = [f"{english}: {latvian.get(english)} (glossary: {term})"
             for english, term, *_notes in terms
             if latvian.get(english, ("",))[0] != term]
    assert not wrong, "catalog and glossary disagree:\n" + "\n".join(wrong)


def test_no_latvian_translation_uses_an_avoided_word():
    _terms, avoid = _tables()
    assert avoid, "the glossary lists words to avoid"
    found = []
    for english, strings in _latvian().items():
        for word, instead, *_why in avoid:
            pattern = rf"(?<![/\w]){re.escape(word)}\b"  # a word, not part of an address
            if any(re.search(pattern, s or "", re.IGNORECASE) for s in strings):
                found.append(f"“{word}” (use “{instead}”) in: {english[:70]}")
    assert not found, "\n".join(found)


def test_no_latvian_translation_is_left_in_english():
    """An empty msgstr, or one that repeats its English msgid, is untranslated (names and
    codes aside): the page would show English or nothing."""
    same_in_both = {"API (OpenAPI)", "Licence", "Talka: %(pilot)s"}
    left = [english for english, strings in _latvian().items()
            if not all(strings)
            or (english not in same_in_both and any(s == english for s in strings))]
    assert not left, f"left in English in the Latvian catalog: {left}"
