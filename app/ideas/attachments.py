"""Attachment files: what is accepted (by content, never by name), names, storage on disk."""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import filetype
from flask import Response, abort, after_this_request, current_app, send_file

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_IDEA = 5
FILENAME_MAX = 150


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    "pdf": Kind("pdf", "application/pdf", ("pdf",)),
    "docx": Kind("docx", "application/vnd.openxmlformats-officedocument."
                 "wordprocessingml.document", ("docx",)),
    "xlsx": Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ("xlsx",)),
    "odt": Kind("odt", "application/vnd.oasis.opendocument.text", ("odt",)),
    "png": Kind("png", "image/png", ("png",)),
    "jpeg": Kind("jpeg", "image/jpeg", ("jpg", "jpeg")),
}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for kind in KINDS.values() for ext in kind.extensions)

# Zip containers are told apart by their inner structure, not by the first bytes alone.
_ZIP_MAGIC = b"PK\x03\x04"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _zip_kind(data: bytes) -> str | None:
    """DOCX / XLSX by [Content_Types].xml and the main part; ODT by its `mimetype` entry."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if infos and infos[0].filename == "mimetype" and infos[0].file_size < 100:
                # ODF: the first entry is "mimetype", stored, holding the media type.
                if archive.read(infos[0]).strip() == _ODT_MIMETYPE:
                    return "odt"
                return None
            if "[Content_Types].xml" in names:
                if archive.getinfo("[Content_Types].xml").file_size > 1_000_000:
                    return None
                types = archive.read("[Content_Types].xml")
                if "word/document.xml" in names and b"wordprocessingml.document.main" in types:
                    return "docx"
                if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main" in types:
                    return "xlsx"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError,
            NotImplementedError, EOFError):
        return None
    return None


def detect_kind(data: bytes) -> Kind | None:
    """The accepted kind of a file judged by its bytes, or None when it is not accepted."""
    if not data:
        return None
    if data.startswith(_ZIP_MAGIC):
        code = _zip_kind(data)
        return KINDS[code] if code else None
    guess = filetype.guess(data[:8192])
    if guess is None:
        return None
    if guess.mime == "application/pdf":
        return KINDS["pdf"]
    if guess.mime == "image/png":
        return KINDS["png"]
    if guess.mime == "image/jpeg":
        return KINDS["jpeg"]
    return None


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*;]')


def clean_filename(raw: str | None, kind: Kind) -> str:
    """A display name from the user's file name: no folders, no control characters,
    and an extension that matches what the file really is."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]  # drop any folder part, e.g. "../../etc/"
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if ext.lower() not in kind.extensions:
        stem = name
        ext = kind.extensions[0]
    stem = stem.strip()[: FILENAME_MAX - len(ext) - 1] or "attachment"
    return f"{stem}.{ext.lower()}"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name per RFC 5987 / RFC 6266."""
    ascii_name = (unicodedata.normalize("NFKD", filename).encode("ascii", "ignore")
                  .decode("ascii"))
    ascii_name = re.sub(r'[^A-Za-z0-9._ -]', "_", ascii_name).strip() or "attachment"
    return (f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(filename, safe='')}")


def upload_dir() -> Path:
    """Where idea attachments live: under UPLOAD_DIR, never under static/."""
    path = Path(current_app.config["UPLOAD_DIR"]) / "ideas"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_stored_name() -> str:
    return secrets.token_hex(16)


def stored_path(stored_name: str) -> Path:
    """The file's path; the stored name is ours (hex), so it cannot leave the folder."""
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise ValueError("not a stored attachment name")
    return upload_dir() / stored_name


def write_file(data: bytes) -> tuple[str, str]:
    """Write the bytes under a new random name; return (stored_name, sha256)."""
    stored_name = new_stored_name()
    path = stored_path(stored_name)
    temporary = path.with_suffix(".part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    temporary.replace(path)
    return stored_name, hashlib.sha256(data).hexdigest()


def delete_file(stored_name: str) -> None:
    """Remove a stored file if it is there (called after the removal is committed)."""
    try:
        stored_path(stored_name).unlink(missing_ok=True)
    except (OSError, ValueError):
        current_app.logger.warning("Could not delete attachment file %s", stored_name)


def delete_after_commit(stored_name: str) -> None:
    """Remove the stored file once this request's removal is committed: the edge commits
    before the answer is made, so an answer below 400 means the row is gone for good, and
    a rolled-back request keeps its file."""

    @after_this_request
    def _delete(response: Response) -> Response:
        if response.status_code < 400:
            delete_file(stored_name)
        return response


def send_attachment(attachment, *, download_name: str | None = None) -> Response:
    """The stored file as a download (pages and API alike): never shown inline, never
    sniffed as another type, never cached by a shared proxy."""
    try:
        path = stored_path(attachment.stored_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    name = download_name or attachment.filename
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=name, max_age=0, conditional=False)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
