"""Conditional GET and CORS for the public API.

Anonymous GET answers are the same for everyone, so they carry an ETag and
answer `If-None-Match` with 304, and any origin may read them (CORS). Answers
to a bearer token are personal: no ETag sharing, no CORS.
"""

from __future__ import annotations

from flask import Flask, request


def _is_public_read() -> bool:
    return (
        request.path.startswith("/api/")
        and request.method in ("GET", "HEAD")
        and "Authorization" not in request.headers
    )


def conditional_public_get(response):
    """after_request: ETag + 304 and CORS on anonymous API reads."""
    if not _is_public_read():
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if response.status_code == 200 and not response.direct_passthrough:
        response.add_etag()
        response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
        response.vary.add("Accept-Language")
        response.make_conditional(request)
    return response


def init_http_cache(app: Flask) -> None:
    app.after_request(conditional_public_get)
