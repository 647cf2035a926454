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


def _is_generic(token: str) -> bool:
    return any(token.startswith(g) and len(token) - len(g) <= 3 for g in GENERIC)


def _pattern(name: Name) -> list[tuple[str, bool]]:
    """The words to match in order: (folded word or stem, exact?)."""
    words = [fold(w) for w in WORD.findall(name.text)]
    if name.kind == MUNICIPALITY:
        return [(stem(w), False) for w in words if not _is_generic(w)]
    if not words:
        return []
    return [*((w, True) for w in words[:-1]), (stem(words[-1]), False)]


def _accepted(name: Name) -> tuple[frozenset[str], ...]:
    """For each word of the name's pattern, every folded word of a text that matches it: a
    team's word itself; a stem alone or with one of the ENDINGS. A set, because a text's
    word is then matched by one look-up, not by trying each ending."""
    return tuple(frozenset({word}) if exact
                 else frozenset({word, *(word + ending for ending in ENDINGS)})
                 for word, exact in _pattern(name))


class MentionSearch:
    """Names looked for in many texts: each name's pattern is made once, and each distinct
    word of the texts folded once, however many names and fields there are."""

    def __init__(self) -> None:
        self._folds: dict[str, str] = {}
        self._accepted: dict[Name, tuple[frozenset[str], ...]] = {}

    def _words(self, text: str) -> list[str]:
        """The words of `text`, folded."""
        folds = self._folds
        words = WORD.findall(text)
        for i, word in enumerate(words):
            folded = folds.get(word)
            if folded is None:
                folded = folds[word] = fold(word)
            words[i] = folded
        return words

    def _pattern_of(self, name: Name) -> tuple[frozenset[str], ...]:
        accepted = self._accepted.get(name)
        if accepted is None:
            accepted = self._accepted[name] = _accepted(name)
        return accepted

    def _matches(self, name: Name, words: list[str],
                 present: set[str]) -> list[tuple[int, int]]:
        """Where the name stands, as (first word, word after the last), left to right, a
        match not overlapping the one before. Only a word its pattern's first word accepts
        can start a match, so a text with none of those (`present`: its words) is passed
        by, and in another only those are tried."""
        pattern = self._pattern_of(name)
        if not pattern or pattern[0].isdisjoint(present):
            return []
        first = pattern[0]
        size, count = len(pattern), len(words)
        found: list[tuple[int, int]] = []
        free = 0  # the first word not yet inside a match
        for i in [i for i, word in enumerate(words) if word in first]:
            if i < free:
                continue
            if i + size > count:
                break
            if all(words[i + k] in pattern[k] for k in range(1, size)):
                end = i + size
                # "Dobeles novadā": the generic word that follows belongs to the name.
                if name.kind == MUNICIPALITY and end < count and _is_generic(words[end]):
                    end += 1
                found.append((i, end))
                free = end
        return found

    def find_in(self, text: str, name: Name) -> list[tuple[int, int]]:
        """Where in `text` the name stands (start, end), words as written."""
        if not text:
            return []
        words = self._words(text)
        found = self._matches(name, words, set(words))
        if not found:
            return []
        places = [m.span() for m in WORD.finditer(text)]
        return [(places[first][0], places[end - 1][1]) for first, end in found]

    def in_text(self, field: str, text: str, names: list[Name],
                item: int | None = None) -> list[Mention]:
        """The names in one text, a team's before its municipalities'."""
        if not text or not names:
            return []
        words = self._words(text)
        present = set(words)
        places: list[tuple[int, int]] = []
        spans: list[Mention] = []
        # Teams first: "Dobeles jaunieši" is the team, not only Dobele.
        for name in sorted(names, key=lambda n: n.kind != TEAM):
            for first, end in self._matches(name, words, present):
                if not places:
                    places = [m.span() for m in WORD.finditer(text)]
                start, stop = places[first][0], places[end - 1][1]
                if any(start < m.end and m.start < stop for m in spans):
                    continue
                spans.append(Mention(field, name.kind, name.text, text[start:stop], start,
                                     stop, item))
        return sorted(spans, key=lambda m: m.start)

    def find_mentions(self, texts: dict[str, str], names: list[Name],
                      items: dict[str, dict[int, str]] | None = None) -> list[Mention]:
        """As the module's `find_mentions`."""
        result: list[Mention] = []
        for field, text in texts.items():
            result.extend(self.in_text(field, text, names, None))
        for field, by_id in (items or {}).items():
            for item, text in by_id.items():
                result.extend(self.in_text(field, text, names, item))
        return result


def find_in(text: str, name: Name) -> list[tuple[int, int]]:
    """Where in `text` the name stands (start, end), words as written."""
    return MentionSearch().find_in(text, name)


def find_mentions(texts: dict[str, str], names: list[Name],
                  items: dict[str, dict[int, str]] | None = None) -> list[Mention]:
    """Every place in the fields `texts`, then in the `items` (field → item id → text: the
    indicators' names, the attachments' file names), where one of `names` stands, by field
    then place; a team name that contains the municipality's is reported once, as the
    team."""
    return MentionSearch().find_mentions(texts, names, items)


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
