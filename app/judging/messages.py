"""How judging tells its findings in words: the ranking's flags and why an idea lacks
judges (pages and API alike)."""

from __future__ import annotations

from app.core.translation import gettext as _
from app.core.translation import ngettext
from app.judging import queries, scoring


def flag_label(flag: str) -> str:
    labels = {
        scoring.FLAG_INCOMPLETE_REVIEWS: _("Incomplete reviews"),
        scoring.FLAG_HIGH_DISAGREEMENT: _("High disagreement"),
        scoring.FLAG_CONFLICT_DECLARED: _("Conflict declared"),
        scoring.FLAG_JUDGE_NOT_NORMALISED: _("Judge not normalised"),
        queries.FLAG_TIED_AFTER_SUBMISSION: _("A review left out: conflict of interest"),
    }
    return labels.get(flag, flag)


def shortfall_text(item: dict) -> str:
    """“Idea X lacks 1 judge: every other judge is from Dobeles novads.”"""
    title = item.get("idea_title") or _("Untitled idea")
    missing = int(item.get("missing", 0))
    lacks = ngettext("“%(title)s” lacks %(num)d judge", "“%(title)s” lacks %(num)d judges",
                     missing, title=title)
    if item.get("reason") == "no_judges":
        return _("%(lacks)s: the jury is empty. Add judges, then build the assignments again.",
                 lacks=lacks)
    jury, already = item.get("jury_size", 0), item.get("reviewing", 0)
    same, declared = item.get("same_municipality", 0), item.get("declared_conflict", 0)
    places = ", ".join(item.get("municipalities") or [])
    others = jury - already
    if same and same == others and places:
        return _("%(lacks)s: every other judge is from %(places)s, the idea's own "
                 "municipality.", lacks=lacks, places=places)
    if declared and declared == others:
        return _("%(lacks)s: every other judge declared a conflict of interest on it.",
                 lacks=lacks)
    parts = [ngettext("%(num)d judge reviews it", "%(num)d judges review it",
                      already)]
    if same:
        parts.append(ngettext("%(num)d is from %(places)s", "%(num)d are from %(places)s",
                              same, places=places or _("its municipality")))
    if declared:
        parts.append(ngettext("%(num)d declared a conflict of interest",
                              "%(num)d declared a conflict of interest", declared))
    return _("%(lacks)s: the jury has %(jury)d members; %(why)s. Add judges from other "
             "municipalities, then build again.", lacks=lacks, jury=jury,
             why="; ".join(parts))
