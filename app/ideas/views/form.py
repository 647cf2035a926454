"""The idea form's page and what it keeps: the posted fields, the conflict view beside a
newer stored version, and a kept text (an expired session, a late post) to copy."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.clock import now_utc
from app.core.translation import gettext as _
from app.hackathons.models import Hackathon
from app.ideas import kept_texts
from app.ideas import operations as ops
from app.ideas.forms import IdeaForm
from app.ideas.models import INDICATORS_MAX, MARKDOWN_FIELDS, Idea


def form_data(form: IdeaForm) -> dict:
    """What the idea form posted, in the operations' field names."""
    data = {name: getattr(form, name).data or "" for name in
            ("title", "summary", *MARKDOWN_FIELDS, "budget_eur", "duration_months")}
    data["indicators"] = [
        {"name": entry.form.name.data or "", "baseline": entry.form.baseline.data or "",
         "target": entry.form.target.data or ""}
        for entry in form.indicators
    ]
    return data


def posted_data() -> dict:
    """The idea fields of the current POST, read without the form machinery (for keeping)."""
    form = IdeaForm(meta={"csrf": False})
    data = form_data(form)
    data["team_id"] = request.form.get("team_id", "")
    data["version"] = request.form.get("version", "")
    data["action"] = request.form.get("action", "")
    return data


def _pad_indicators(form: IdeaForm) -> None:
    """Show the indicators plus two empty rows (no JavaScript needed to add one)."""
    filled = sum(1 for e in form.indicators if (e.form.name.data or e.form.baseline.data
                                                or e.form.target.data))
    wanted = min(INDICATORS_MAX, max(3, filled + 2))
    while len(form.indicators) < wanted:
        form.indicators.append_entry()


def initial_values(idea: Idea) -> dict:
    """The stored idea as the form's starting values (the form ignores "attachments")."""
    data = ops.snapshot(idea)
    return {**data, "duration_months": str(data["duration_months"]),
            "version": str(idea.version), "team_id": str(idea.team_id)}


def form_page(form: IdeaForm, *, idea: Idea | None = None, hackathon: Hackathon,
              status: int = 200, conflict: dict | None = None, notice: str | None = None,
              saved: bool = False):
    now = now_utc()
    _pad_indicators(form)
    if idea is None:
        form.team_id.choices = [(str(t.id), f"{t.name} ({t.municipality.name})")
                                for t in ops.teams_for(current_user, hackathon)]
    return render_template(
        "ideas/form.html", form=form, idea=idea, h=hackathon, conflict=conflict,
        notice=notice, saved=saved, now=now,
        can_submit=(idea.can_submit(current_user, now) if idea is not None
                    else hackathon.accepts_submissions(now)),
    ), status


def conflict_view(idea: Idea, form: IdeaForm):
    """Both texts side by side: the user's (editable) and the stored one; the next save wins."""
    stored = ops.snapshot(idea)
    mine = form_data(form)
    differs = {}
    def same(text: object) -> str:
        # A browser sends CRLF and trailing blanks that the stored text does not have:
        # those are not a change anyone made.
        return "\n".join(line.rstrip() for line in str(text or "").replace("\r\n", "\n")
                         .split("\n")).strip()

    for name in ("title", "summary", *MARKDOWN_FIELDS, "budget_eur", "duration_months"):
        theirs = str(stored.get(name) or "")
        if same(mine.get(name)) != same(theirs):
            differs[name] = theirs
    mine_rows = [r for r in mine["indicators"] if any(r.values())]
    if mine_rows != stored["indicators"]:
        differs["indicators"] = stored["indicators"]
    form.version.data = str(idea.version)
    return {"fields": differs, "updated_at": idea.updated_at,
            "updated_by": idea.updated_by.name if idea.updated_by else ""}


def kept_page(kept, *, hackathon, idea=None, reason=None, status=200):
    data = kept.data
    return render_template("ideas/kept.html", kept=kept, data=data, idea=idea, h=hackathon,
                           reason=reason, field_labels=ops.FIELD_LABELS,
                           fields=("title", "summary", *MARKDOWN_FIELDS, "budget_eur",
                                   "duration_months")), status


def keep_and_sign_in(*, idea: Idea | None = None, hackathon: Hackathon | None = None):
    """The session has ended: keep the posted text in this browser, and bring it back
    after sign-in (only here, and only to a member of the idea's team)."""
    if idea is not None or hackathon is not None:
        kept_texts.keep_text(posted_data(), reason="signed_out", idea=idea, hackathon=hackathon)
    flash(_("Your session had ended, so the idea was not saved yet. Your text has been "
            "kept: sign in and it will be shown again for you to check and save."), "info")
    # The same answer whether or not the idea exists: the key never leaves the server.
    return redirect(url_for("accounts.login", next=url_for("ideas.latest_kept")))


def kept_row():
    """The kept text this form came from, if it is the user's (to mark it used)."""
    key = request.form.get("kept")
    return kept_texts.find_kept_text(key, user=current_user) if key else None


def submitted(idea: Idea):
    flash(_("The idea has been submitted; its reference number is %(reference)s. Every team "
            "member gets a confirmation e-mail listing what was submitted. You can still "
            "change it until the deadline.", reference=idea.reference), "success")
    return redirect(url_for("ideas.idea", idea_id=idea.id))
