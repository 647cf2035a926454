"""Where an idea's text names its own team or municipality: the leak a blind review must
catch. Pure: names and texts go in, the places found come out.

Names are compared folded (app/core/folding.py: "Dobelē" is "dobele"), and a Latvian name
is found in its other cases too: a municipality by the stem of its distinctive words
("Dobeles novads" → dobel-: Dobele, Dobeles, Dobelē; "Rīga" → rīg-: Rīgā, Rīgas), a team by
its whole name, the last word in any case. The generic words of a municipality's name
(novads, pilsēta) are not searched alone, but join a match they follow.

Besides the texts, an idea has items of its own that can name it: its proposed indicators'
names and its attachments' file names ("Dobeles_budzets.xlsx"). They are searched the same
way, each mention saying which item it is in; an underscore separates words, as in a file
name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.folding import fold

MUNICIPALITY = "municipality"
TEAM = "team"

# Latvian case endings, folded, longest first.
ENDINGS = ("iem", "am", "em", "im", "um", "as", "es", "is", "us", "os", "ai", "ei", "a", "e",
           "i", "u", "s", "o")
GENERIC = ("novad", "pilset", "valstspilset")
MIN_STEM = 3
# Letters and digits: "_" and "." separate the words of a file name.
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Name:
    """A name to look for: what it is (municipality or team) and how it is written."""

    kind: str
    text: str


@dataclass(frozen=True)
class Mention:
    """A name found in one field, with the words as the team wrote them and where."""

    field: str
    kind: str
    name: str
    found: str
    start: int
    end: int
    item: int | None = None  # which indicator or attachment, for a field of items


def stem(word: str) -> str:
    """A folded word without its case ending (at least MIN_STEM letters are kept)."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def _same_word(token: str, stemmed: str) -> bool:
    return token.startswith(stemmed) and (token[len(stemmed):] in ENDINGS
                                          or token == stemmed)


def _is_generic(token: str) -> bool:
    return any(token.startswith(g) and len(token) - len(g) <= 3 for g in GENERIC)


def _folded_tokens(text: str) -> list[tuple[str, int, int]]:
    """The words of `text`, folded, with their start and end in the original text."""
    return [(fold(m.group()), m.start(), m.end()) for m in WORD.finditer(text)]


def _pattern(name: Name) -> list[tuple[str, bool]]:
    """The words to match in order: (folded word or stem, exact?)."""
    words = [fold(w) for w in WORD.findall(name.text)]
    if name.kind == MUNICIPALITY:
        return [(stem(w), False) for w in words if not _is_generic(w)]
    if not words:
        return []
    return [*((w, True) for w in words[:-1]), (stem(words[-1]), False)]


def find_in(text: str, name: Name) -> list[tuple[int, int]]:
    """Where in `text` the name stands (start, end), words as written."""
    pattern = _pattern(name)
    if not text or not pattern:
        return []
    tokens = _folded_tokens(text)
    found: list[tuple[int, int]] = []
    i = 0
    while i + len(pattern) <= len(tokens):
        window = tokens[i:i + len(pattern)]
        if all((tok == word) if exact else _same_word(tok, word)
               for (tok, _s, _e), (word, exact) in zip(window, pattern, strict=True)):
            end_index = i + len(pattern)
            # "Dobeles novadā": the generic word that follows belongs to the name.
            if name.kind == MUNICIPALITY and end_index < len(tokens) \
                    and _is_generic(tokens[end_index][0]):
                end_index += 1
            found.append((window[0][1], tokens[end_index - 1][2]))
            i = end_index
        else:
            i += 1
    return found


def _in_text(field: str, text: str, names: list[Name], item: int | None) -> list[Mention]:
    spans: list[Mention] = []
    # Teams first: "Dobeles jaunieši" is the team, not only Dobele.
    for name in sorted(names, key=lambda n: n.kind != TEAM):
        for start, end in find_in(text or "", name):
            if any(start < m.end and m.start < end for m in spans):
                continue
            spans.append(Mention(field, name.kind, name.text, text[start:end], start, end,
                                 item))
    return sorted(spans, key=lambda m: m.start)


def find_mentions(texts: dict[str, str], names: list[Name],
                  items: dict[str, dict[int, str]] | None = None) -> list[Mention]:
    """Every place in the fields `texts`, then in the `items` (field → item id → text: the
    indicators' names, the attachments' file names), where one of `names` stands, by field
    then place; a team name that contains the municipality's is reported once, as the
    team."""
    result: list[Mention] = []
    for field, text in texts.items():
        result.extend(_in_text(field, text, names, None))
    for field, by_id in (items or {}).items():
        for item, text in by_id.items():
            result.extend(_in_text(field, text, names, item))
    return result


def redact(text: str, mentions: list[Mention], placeholders: dict[str, str]) -> str:
    """`text` with each mentioned name replaced by its kind's placeholder."""
    out, last = [], 0
    for m in sorted(mentions, key=lambda m: m.start):
        if m.start < last:
            continue
        out.append(text[last:m.start])
        out.append(placeholders[m.kind])
        last = m.end
    out.append(text[last:])
    return "".join(out)
