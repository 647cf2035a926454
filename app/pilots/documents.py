"""Pilot documents (evidence, invoices) on disk: accepted by content, stored under a random name.

What is accepted and how names are cleaned is the ideas' attachment policy (the same
kinds of file, judged by their bytes); pilot documents live in their own folder
under UPLOAD_DIR and are served only to those who may see the pilot's internal data.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from flask import current_app

from app.core.translation import lazy_gettext as _l
from app.ideas.attachments import (  # one policy for every uploaded file
    ACCEPT_ATTRIBUTE,
    MAX_FILE_BYTES,
    Kind,
    clean_filename,
    content_disposition,
    detect_kind,
)

__all__ = ["ACCEPT_ATTRIBUTE", "MAX_FILE_BYTES", "check", "clean_filename",
           "content_disposition", "delete_file", "stored_path", "write_file"]


def check(data: bytes) -> tuple[Kind | None, object | None]:
    """(kind, None) for an accepted file, (None, message) otherwise."""
    if not data:
        return None, _l("Choose a file to upload.")
    if len(data) > MAX_FILE_BYTES:
        return None, _l("The file is larger than 10 MB.")
    kind = detect_kind(data)
    if kind is None:
        return None, _l("Upload a PDF, DOCX, XLSX, ODT, PNG or JPEG file.")
    return kind, None


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "pilots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(stored_name: str) -> Path:
    """The file's path; the stored name is ours (hex), so it cannot leave the folder."""
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise ValueError("not a stored document name")
    return upload_dir() / stored_name


def write_file(data: bytes) -> tuple[str, str]:
    """Write the bytes under a new random name; return (stored_name, sha256)."""
    stored_name = secrets.token_hex(16)
    path = stored_path(stored_name)
    temporary = path.with_suffix(".part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    temporary.replace(path)
    return stored_name, hashlib.sha256(data).hexdigest()


def delete_file(stored_name: str) -> None:
    try:
        stored_path(stored_name).unlink(missing_ok=True)
    except (OSError, ValueError):
        current_app.logger.warning("Could not delete pilot document %s", stored_name)
