"""Pages need no second request before their first paint: the stylesheet is inline, and the
Content-Security-Policy allows that one inline style and no other."""

from __future__ import annotations

import base64
import hashlib
import re


def test_pages_carry_the_stylesheet_inline_allowed_by_its_hash(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert 'rel="stylesheet"' not in page
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(styles) == 1 and ".skip-link" in styles[0]
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    style_src = next(p for p in policy.split("; ") if p.startswith("style-src"))
    assert style_src == f"style-src 'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in policy


def test_the_inlined_stylesheet_is_the_source_without_comments(client):
    source = client.get("/static/css/talka.css").get_data(as_text=True)
    inline = re.search(r"<style>(.*?)</style>", client.get("/").get_data(as_text=True),
                       re.S).group(1)
    assert "/*" not in inline and len(inline) < len(source)
    assert "@media print" in inline and "@media (max-width: 40rem)" in inline
