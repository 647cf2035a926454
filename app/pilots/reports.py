"""Progress reports and their verification (submitted, then approved and published, or
returned with a note mailed through the outbox), and the documents (evidence, invoices)
that back reports, milestones and expenses.

Operations flush and never commit: the request commits at its edge (app.core.web).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from app.core.clock import now_utc, today_riga
from app.core.errors import Invalid, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.mail.operations import queue_mail
from app.pilots import documents
from app.pilots.changes import audit, require_allowed
from app.pilots.input_fields import check, fail, filled, read
from app.pilots.input_schemas import ReportInput, ReturnInput
from app.pilots.models import Pilot
from app.pilots.models_reports import PilotDocument, PilotUpdate
from app.pilots.states import UPDATE_TRANSITIONS, UpdateStatus, can_move
from app.public import follow


def add_document(pilot: Pilot, filename: str | None, data: bytes, *, actor,
                 now: datetime | None = None, field: str = "document") -> PilotDocument:
    """Store an evidence file or invoice for the pilot (checked by content; never public)."""
    now = now or now_utc()
    require_allowed(pilot.can_edit(actor))
    kind, problem = documents.check(data)
    if problem or kind is None:
        raise Invalid(errors={field: [problem]})
    stored_name, digest = documents.write_file(data)
    document = PilotDocument(pilot=pilot, stored_name=stored_name,
                             filename=documents.clean_filename(filename, kind),
                             content_type=kind.content_type, kind=kind.code, size=len(data),
                             sha256=digest, uploaded_at=now, uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    audit("pilot.document.add", document, actor=actor, now=now, object_type="pilot_document",
           after={"pilot_id": pilot.id, "filename": document.filename, "sha256": digest})
    return document


def _update_values(data: dict, now: datetime) -> tuple[str, bool, date | None]:
    """A report's text, audience and date (today when blank), or Invalid."""
    schema = ReportInput()
    values, errors = read(schema, filled(data, reported_on=today_riga(now)))
    reported_on = values.get("reported_on")
    if reported_on is not None and reported_on > today_riga(now):
        fail(errors, "reported_on", _l("A report cannot be dated in the future."))
    check(errors, schema)
    return values["body"], values["public"], reported_on


def post_update(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                ) -> PilotUpdate:
    """Write a progress report. An internal one is kept for the team and coordinators; a
    public one is submitted and published only once a coordinator approves it (one written
    by such a coordinator is approved as it is written)."""
    now = now or now_utc()
    require_allowed(pilot.can_edit(actor))
    body, public, reported_on = _update_values(data, now)
    update = PilotUpdate(pilot=pilot, body=body, public=public, reported_on=reported_on,
                         created_at=now, created_by_id=actor.id,
                         status=UpdateStatus.SUBMITTED if public else UpdateStatus.INTERNAL)
    if public:
        update.submitted_at = now
        if pilot.can_approve_updates(actor):
            update.status = UpdateStatus.APPROVED
            update.reviewed_at, update.reviewed_by_id = now, actor.id
    db.session.add(update)
    db.session.flush()
    audit("pilot.update.post", update, actor=actor, now=now, object_type="pilot_update",
           after={"pilot_id": pilot.id, "public": public, "status": update.status,
                  "reported_on": reported_on})
    return update


def revise_update(update: PilotUpdate, data: dict, *, actor, now: datetime | None = None
                  ) -> PilotUpdate:
    """Rewrite a report that is not published yet; a returned public one is submitted again."""
    now = now or now_utc()
    require_allowed(update.pilot.can_edit(actor))
    if update.status == UpdateStatus.APPROVED:
        raise WrongState(_l("A published report cannot be changed; write a new one."))
    body, public, reported_on = _update_values(
        {"body": update.body, "public": update.public, "reported_on": update.reported_on,
         **(data or {})}, now)
    assert reported_on is not None  # a missing date is an error, raised by check()
    update.body, update.public, update.reported_on = body, public, reported_on
    if not public:
        update.status = UpdateStatus.INTERNAL
    elif update.status != UpdateStatus.SUBMITTED:
        if update.status == UpdateStatus.RETURNED and not can_move(
                UPDATE_TRANSITIONS, update.status, UpdateStatus.SUBMITTED):
            raise WrongState(_l("This report cannot be submitted again."))
        update.status = UpdateStatus.SUBMITTED
        update.submitted_at = now
    db.session.flush()
    audit("pilot.update.revise", update, actor=actor, now=now, object_type="pilot_update",
           after={"public": public, "status": update.status})
    return update


def approve_update(update: PilotUpdate, *, actor, now: datetime | None = None) -> PilotUpdate:
    """A coordinator verifies a submitted public report: it is published."""
    now = now or now_utc()
    require_allowed(update.pilot.can_approve_updates(actor),
             _l("Only the pilot's coordinators can approve its reports."))
    if not can_move(UPDATE_TRANSITIONS, update.status, UpdateStatus.APPROVED):
        raise WrongState(_l("Only a report waiting for approval can be approved; this one "
                            "is “%(status)s”.", status=update.status.label))
    update.status = UpdateStatus.APPROVED
    update.reviewed_at, update.reviewed_by_id = now, actor.id
    update.review_note = ""
    db.session.flush()
    audit("pilot.update.approve", update, actor=actor, now=now, object_type="pilot_update",
           before={"status": UpdateStatus.SUBMITTED}, after={"status": update.status})
    follow.notify_update_published(update, actor=actor, now=now)  # the pilot's followers
    return update


def return_update(update: PilotUpdate, note: str, *, actor, now: datetime | None = None
                  ) -> PilotUpdate:
    """A coordinator sends a submitted report back with what to change; the team is told."""
    now = now or now_utc()
    pilot = update.pilot
    require_allowed(pilot.can_approve_updates(actor),
             _l("Only the pilot's coordinators can return its reports."))
    if not can_move(UPDATE_TRANSITIONS, update.status, UpdateStatus.RETURNED):
        raise WrongState(_l("Only a report waiting for approval can be returned; this one "
                            "is “%(status)s”.", status=update.status.label))
    schema = ReturnInput()
    values, errors = read(schema, {"note": note})
    check(errors, schema)
    note = values["note"]
    update.status = UpdateStatus.RETURNED
    update.reviewed_at, update.reviewed_by_id, update.review_note = now, actor.id, note
    db.session.flush()
    audit("pilot.update.return", update, actor=actor, now=now, object_type="pilot_update",
           before={"status": UpdateStatus.SUBMITTED},
           after={"status": update.status, "note": note})
    url = url_for("pilots.pilot", pilot_id=pilot.id, _external=True) + "#reports"
    for member in pilot.team.members:
        user = member.user
        if user.is_active:
            queue_mail(user.email, "pilot_update_returned", locale=user.locale,
                       kind=f"pilot-update-returned:{update.id}:{user.id}:{now.isoformat()}",
                       user=user, pilot=pilot, update=update, note=note, url=url)
    return update
