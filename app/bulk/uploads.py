"""Uploaded workbooks kept on the server between the preview and the confirmation.

A file is kept under the uploader's own folder by the SHA-256 of its content: the
confirmation names the hash, and only the user who uploaded it finds it again. Nothing of
the file travels in the session cookie. Files older than a day are cleared on each upload.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{64}")


@dataclass
class Kept:
    token: str
    filename: str
    data: bytes


def safe_name(filename: str | None) -> str:
    """The file's own name without any folder, short enough for the audit trail."""
    name = re.split(r"[\\/]", filename or "")[-1].strip()
    name = re.sub(r"[\x00-\x1f]", "", name)
    return name[:120] or "workbook"


def _folder(user_id: int) -> Path:
    folder = Path(current_app.instance_path) / "bulk_uploads" / str(int(user_id))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(user_id: int, filename: str, data: bytes) -> Kept:
    """Keep the file for `user_id`; the token is the hash of its content."""
    folder = _folder(user_id)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = hashlib.sha256(data).hexdigest()
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"filename": safe_name(filename)}))
    return Kept(token, safe_name(filename), data)


def find(user_id: int, token: str) -> Kept | None:
    """The file `user_id` kept under `token`, or None (another user's token finds nothing)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    folder = _folder(user_id)
    data_path, meta_path = folder / f"{token}.bin", folder / f"{token}.json"
    if not data_path.is_file() or not meta_path.is_file():
        return None
    data = data_path.read_bytes()
    if hashlib.sha256(data).hexdigest() != token:
        return None
    return Kept(token, json.loads(meta_path.read_text())["filename"], data)


def forget(user_id: int, token: str) -> None:
    """Remove the kept file once it has been imported."""
    if _TOKEN.fullmatch(token or ""):
        folder = _folder(user_id)
        for suffix in (".bin", ".json"):
            (folder / f"{token}{suffix}").unlink(missing_ok=True)
