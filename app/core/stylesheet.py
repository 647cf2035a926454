"""Our one stylesheet, inlined in every page's <head>.

It is small (about 5 KB compressed), so sending it inside the page lets the first paint
wait for no second request. The Content-Security-Policy allows exactly this text, by its
SHA-256 hash, and no other inline style. /static/css/talka.css stays the source and is
still served for anyone who links it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

from markupsafe import Markup

SOURCE = Path(__file__).resolve().parent.parent / "static" / "css" / "talka.css"


@cache
def inline_css() -> Markup:
    """The stylesheet without comments and runs of white space (CSS text, safe in <style>)."""
    text = re.sub(r"/\*.*?\*/", "", SOURCE.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ?([{};,>]) ?", r"\1", text).strip()
    return Markup(text)  # noqa: S704 - our own file, no user input  # nosec B704


@cache
def csp_source() -> str:
    """The CSP source expression that allows the inlined stylesheet and nothing else."""
    digest = hashlib.sha256(str(inline_css()).encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
