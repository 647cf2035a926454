"""An idea's attachments: the list, upload, download and removal."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.clock import now_utc
from app.core.errors import WrongState, handle_http_exception
from app.core.translation import gettext as _
from app.ideas import attachments as files
from app.ideas import loading, queries
from app.ideas import operations as ops
from app.ideas.forms import AttachmentForm
from app.ideas.models import Idea
from app.ideas.models_attachments import Attachment
from app.ideas.views.blueprint import bp


def _attachments_page(idea: Idea, form: AttachmentForm | None = None, status: int = 200):
    now = now_utc()
    return render_template("ideas/attachments.html", idea=idea, h=idea.hackathon,
                           form=form or AttachmentForm(formdata=None),
                           can_edit=idea.can_edit(current_user, now),
                           blind=idea.hides_team_from(current_user, now),
                           text=idea.text_for(current_user, now),
                           empty_form=EmptyForm(formdata=None),
                           accept=files.ACCEPT_ATTRIBUTE,
                           max_files=files.MAX_FILES_PER_IDEA), status


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over the request limit: the attachments page again, with the reason.

    The idea's text is never lost here: it is saved by its own form, and the upload
    form carries only the file.
    """
    args = request.view_args or {}
    if request.endpoint != "ideas.upload" or not current_user.is_authenticated:
        return handle_http_exception(error)
    idea = queries.idea_by_id(args.get("idea_id", 0))
    if idea is None or not idea.is_team_member(current_user):
        return handle_http_exception(error)
    form = AttachmentForm(formdata=None)
    form.file.errors = [_("The file is too large: each file may have at most 10 MB. Nothing "
                          "else was changed.")]
    return _attachments_page(idea, form, status=413)


@bp.route("/ideas/<id:idea_id>/attachments", methods=["GET"])
@access.signed_in
def attachments(idea_id: int):
    return _attachments_page(loading.readable(idea_id))


@bp.route("/ideas/<id:idea_id>/attachments", methods=["POST"])
@access.signed_in
def upload(idea_id: int):
    idea = loading.team_idea(idea_id)
    form = AttachmentForm()

    def attach(data: dict):
        upload = data["file"]
        content = upload.read(files.MAX_FILE_BYTES + 1) if upload else b""
        return ops.add_attachment(idea, getattr(upload, "filename", None), content,
                                  actor=current_user)

    return web.submit(
        form, run=attach,
        success=lambda attachment: web.done(
            _("The file “%(name)s” has been attached.", name=attachment.filename),
            url_for("ideas.attachments", idea_id=idea.id)),
        page=lambda status: _attachments_page(idea, form, status))


def _attachment_of(idea: Idea, attachment_id: int) -> Attachment:
    return web.check_found(queries.attachment_of(idea, attachment_id))


@bp.route("/ideas/<id:idea_id>/attachments/<id:attachment_id>")
@access.public
def download(idea_id: int, attachment_id: int):
    idea = loading.any_idea(idea_id)
    # Attachments are never public: only those who may read every field of the idea.
    access.require(idea.can_view_private(current_user), hide=True)
    attachment = _attachment_of(idea, attachment_id)
    # A file the coordinator hid from a blind review's judges: for them it does not exist.
    access.require(not attachment.hidden_from(current_user), hide=True)
    return files.send_attachment(
        attachment, download_name=attachment.name_for(idea.hides_team_from(current_user)))


@bp.route("/ideas/<id:idea_id>/attachments/<id:attachment_id>/delete", methods=["POST"])
@access.signed_in
def remove_attachment(idea_id: int, attachment_id: int):
    idea = loading.team_idea(idea_id)
    attachment = _attachment_of(idea, attachment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = attachment.filename
    back = url_for("ideas.attachments", idea_id=idea.id)
    try:
        stored_name = web.attempt(lambda: ops.remove_attachment(attachment, actor=current_user))
    except WrongState as error:
        return web.done(str(error.detail), back, "error")
    files.delete_after_commit(stored_name)
    return web.done(_("The file “%(name)s” has been removed.", name=name), back)
