"""Attachments: accepted by content (never by name), size and count limits, safe storage
under random names, served only to the idea's readers as a download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from app.extensions import db
from app.ideas import attachments as files
from app.ideas.models_attachments import Attachment
from tests.factories_ideas import make_idea
from tests.ideas.conftest import sign_in


def PNG() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def JPEG() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def PDF(size: int = 200) -> bytes:
    head = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"
    return head + b"%" * max(0, size - len(head))


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=kind)
    return buffer.getvalue()


def DOCX() -> bytes:
    return _zip([("[Content_Types].xml", b'<Types><Override ContentType="application/vnd.'
                  b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                  b"</Types>"),
                 ("word/document.xml", b"<w:document/>")])


def XLSX() -> bytes:
    return _zip([("[Content_Types].xml", b'<Types><Override ContentType="application/vnd.'
                  b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'),
                 ("xl/workbook.xml", b"<workbook/>")])


def ODT(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return _zip([("mimetype", mimetype), ("content.xml", b"<office:document-content/>")],
                stored_first=True)


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


@pytest.mark.parametrize("data, kind", [
    (PDF(), "pdf"), (PNG(), "png"), (JPEG(), "jpeg"), (DOCX(), "docx"), (XLSX(), "xlsx"),
    (ODT(), "odt"),
])
def test_accepted_kinds_are_recognised_by_content(data, kind):
    assert files.detect_kind(data).code == kind


@pytest.mark.parametrize("data", [
    EXE, b"", b"just text", _zip([("readme.txt", b"hi")]),
    ODT(b"application/vnd.oasis.opendocument.spreadsheet"),
    _zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"")]),
    b"GIF89a" + b"\x00" * 20, b"PK\x03\x04 not really a zip",
])
def test_anything_else_is_refused(data):
    assert files.detect_kind(data) is None


@pytest.mark.parametrize("raw, kind, expected", [
    ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
    ("..\\..\\windows\\win.ini", "pdf", "win.ini.pdf"),
    ("Tāme 2026.xlsx", "xlsx", "Tāme 2026.xlsx"),
    ("bilde.PDF", "png", "bilde.PDF.png"),
    ("attēls.JPG", "jpeg", "attēls.jpg"),
    (".hidden", "pdf", "hidden.pdf"),
    ("", "pdf", "attachment.pdf"),
    ("a\x00b<>:|?*.pdf", "pdf", "ab.pdf"),
])
def test_file_names_are_cleaned_and_match_the_real_type(raw, kind, expected):
    assert files.clean_filename(raw, files.KINDS[kind]) == expected


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    header = files.content_disposition('Tāme "2026".xlsx')
    assert header.startswith("attachment; ")
    assert 'filename="Tame _2026_.xlsx"' in header
    assert "filename*=UTF-8''T%C4%81me%20%222026%22.xlsx" in header


# --- through the pages -----------------------------------------------------------------------

def upload(client, idea, data, name):
    return client.post(f"/ideas/{idea.id}/attachments", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_member_uploads_and_downloads_a_pdf(client, world, app):
    idea = make_idea(world.hackathon, world.team)
    sign_in(client, world.member)
    response = upload(client, idea, PDF(), "Tāme.pdf")
    assert response.status_code == 302
    attachment = db.session.scalar(db.select(Attachment))
    assert attachment.filename == "Tāme.pdf" and attachment.content_type == "application/pdf"
    stored = Path(app.config["UPLOAD_DIR"]) / "ideas" / attachment.stored_name
    assert stored.read_bytes() == PDF()
    assert "static" not in str(stored)

    download = client.get(f"/ideas/{idea.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''T%C4%81me.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    assert "no-store" in download.headers["Cache-Control"]


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_stored(client, world, app):
    idea = make_idea(world.hackathon, world.team)
    sign_in(client, world.member)
    response = upload(client, idea, EXE, "tame.pdf")
    assert response.status_code == 422
    assert b"This file type is not accepted" in response.data
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_an_11_mb_file_is_refused_with_a_clear_message(client, world):
    idea = make_idea(world.hackathon, world.team)
    sign_in(client, world.member)
    response = upload(client, idea, PDF(11 * 1024 * 1024), "liels.pdf")
    assert response.status_code == 422
    assert b"larger than 10 MB" in response.data
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_a_request_over_the_server_limit_gets_the_attachments_page_back(client, world, app):
    idea = make_idea(world.hackathon, world.team, title="Mana ideja")
    sign_in(client, world.member)
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1024
    response = upload(client, idea, PDF(too_big), "milzigs.pdf")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "at most 10 MB" in html and "Nothing else was changed" in html
    assert 'enctype="multipart/form-data"' in html  # the page, ready to try again
    db.session.expire_all()
    assert idea.title == "Mana ideja"


def test_a_file_name_with_dot_dot_stays_inside_the_upload_folder(client, world, app):
    idea = make_idea(world.hackathon, world.team)
    sign_in(client, world.member)
    assert upload(client, idea, PDF(), "../../../../tmp/evil.pdf").status_code == 302
    attachment = db.session.scalar(db.select(Attachment))
    assert attachment.filename == "evil.pdf"
    folder = Path(app.config["UPLOAD_DIR"]) / "ideas"
    assert (folder / attachment.stored_name).is_file()
    assert "evil" not in attachment.stored_name and len(attachment.stored_name) == 32


def test_at_most_five_files_per_idea(client, world):
    idea = make_idea(world.hackathon, world.team)
    sign_in(client, world.member)
    for n in range(5):
        assert upload(client, idea, PNG(), f"{n}.png").status_code == 302
    response = upload(client, idea, PNG(), "6.png")
    assert response.status_code == 422 and b"at most 5 files" in response.data
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 5


def test_removing_an_attachment_deletes_the_file(client, world, app):
    idea = make_idea(world.hackathon, world.team)
    sign_in(client, world.member)
    upload(client, idea, DOCX(), "plāns.docx")
    attachment = db.session.scalar(db.select(Attachment))
    path = Path(app.config["UPLOAD_DIR"]) / "ideas" / attachment.stored_name
    response = client.post(f"/ideas/{idea.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert not path.exists()


def test_no_uploads_to_a_submitted_idea_after_the_deadline(client, world):
    from datetime import timedelta

    from app.core.clock import now_utc

    idea = make_idea(world.hackathon, world.team, status="submitted")
    world.hackathon.submission_closes_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    sign_in(client, world.member)
    response = upload(client, idea, PDF(), "vēlu.pdf")
    assert response.status_code == 409
    assert b"deadline passed" in response.data


def test_no_file_is_removed_from_a_submitted_idea_after_the_deadline(client, world, app):
    from datetime import timedelta

    from app.core.clock import now_utc

    idea = make_idea(world.hackathon, world.team, status="submitted")
    sign_in(client, world.member)
    upload(client, idea, PDF(), "plāns.pdf")
    attachment = db.session.scalar(db.select(Attachment))
    path = Path(app.config["UPLOAD_DIR"]) / "ideas" / attachment.stored_name
    world.hackathon.submission_closes_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/ideas/{idea.id}/attachments/{attachment.id}/delete",
                           follow_redirects=True)
    assert "deadline passed" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 1
    assert path.read_bytes() == PDF()


def test_the_api_takes_files_by_content_too(client, world, token_for):
    idea = make_idea(world.hackathon, world.team)
    headers = token_for(world.member)
    url = f"/api/v1/ideas/{idea.id}/attachments"
    bad = client.post(url, headers=headers, content_type="multipart/form-data",
                      data={"file": (io.BytesIO(EXE), "x.pdf")})
    assert bad.status_code == 422 and "file" in bad.json["errors"]
    good = client.post(url, headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(ODT()), "apraksts.odt")})
    assert good.status_code == 201 and good.json["filename"] == "apraksts.odt"
    download = client.get(good.json["url"].split("talka.test", 1)[1], headers=headers)
    assert download.status_code == 200 and download.data == ODT()
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    gone = client.delete(f"{url}/{good.json['id']}", headers=headers)
    assert gone.status_code == 204
