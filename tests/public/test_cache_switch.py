"""PUBLIC_CACHE=0 in the environment turns off every server-side page cache, so that the real
render path can be measured and debugged: each request runs its view and keeps nothing."""

from __future__ import annotations

import functools

from app import create_app
from app.public.cache import page_cache
from tests.conftest import IsolatedClient

PATHS = ("/", "/winners", "/pilots", "/feed.atom", "/sitemap.xml", "/data", "/data/dictionary",
         "/data/ideas.csv", "/data/datapackage.json", "/api/v1/pilots")


def test_public_cache_0_turns_off_every_page_cache(monkeypatch, test_config, world, tmp_path):
    monkeypatch.setenv("PUBLIC_CACHE", "0")
    app = create_app({**test_config, "OPENDATA_DIR": str(tmp_path)})
    app.test_client_class = IsolatedClient
    assert app.config["PUBLIC_CACHE"] is False
    calls: dict[str, int] = {}
    for endpoint, view in list(app.view_functions.items()):
        @functools.wraps(view)
        def counted(*args, _endpoint=endpoint, _view=view, **kwargs):
            calls[_endpoint] = calls.get(_endpoint, 0) + 1
            return _view(*args, **kwargs)
        app.view_functions[endpoint] = counted
    anonymous = app.test_client(use_cookies=False)
    for path in PATHS:
        first, again = anonymous.get(path), anonymous.get(path)
        assert first.status_code == again.status_code == 200, path
        assert again.data == first.data, path
    assert all(count == 2 for count in calls.values()), calls
    assert len(calls) == len(PATHS)
    assert len(page_cache) == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*")), "an export file was kept"


def test_the_page_cache_is_on_by_default(app):
    assert app.config["PUBLIC_CACHE"] is True
