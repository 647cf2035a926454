"""What outside clients read: feeds a real feed parser accepts with an id and a self link
per language, open data whose declared encoding matches its bytes, and the standard HTTP
headers (compression, conditional GET, proxy caching, cross-origin isolation)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest

from app import create_app
from tests.conftest import IsolatedClient

ATOM = "http://www.w3.org/2005/Atom"
SITE = "https://talka.example.lv"


@pytest.fixture
def site_app(test_config):
    app = create_app({**test_config, "SITE_URL": SITE, "SERVER_NAME": None})
    app.test_client_class = IsolatedClient
    return app


def _self_link(parsed) -> str:
    return next(link.href for link in parsed.feed.links if link.rel == "self")


@pytest.mark.parametrize("path", ["/feed.atom", "/pilots/{pilot}/feed.atom"])
def test_each_language_of_a_feed_has_its_own_id_and_self_link(client, world, path):
    path = path.format(pilot=world.pilot.id)
    client.get("/sitemap.xml")  # built first in this process: its namespace must not leak
    latvian = client.get(path)
    english = client.get("/en" + path)
    for response in (latvian, english):
        raw = response.data
        assert b"ns0:" not in raw and b'<feed xmlns="http://www.w3.org/2005/Atom"' in raw
        root = ET.fromstring(raw)
        assert len(root.findall(f"{{{ATOM}}}updated")) == 1
        for entry in root.findall(f"{{{ATOM}}}entry"):
            assert len(entry.findall(f"{{{ATOM}}}updated")) == 1
    lv, en = feedparser.parse(latvian.data), feedparser.parse(english.data)
    assert not lv.bozo and not en.bozo, (lv.get("bozo_exception"), en.get("bozo_exception"))
    assert lv.feed.language == "lv" and en.feed.language == "en"
    assert lv.feed.id != en.feed.id
    assert _self_link(lv) == "http://talka.test" + path
    assert _self_link(en) == "http://talka.test/en" + path
    assert {e.id for e in lv.entries}.isdisjoint({e.id for e in en.entries}) or not lv.entries
    # Each feed's entries lead to the pages in its language.
    assert all("/en/" not in e.link for e in lv.entries)
    assert all(e.link.startswith("http://talka.test/en/") for e in en.entries)


def test_feed_ids_take_their_host_from_site_url_whatever_host_asked(site_app):
    from tests.factories_public import public_world

    public_world()
    client = site_app.test_client()
    parsed = feedparser.parse(client.get("/feed.atom", headers={"Host": "localhost"}).data)
    assert not parsed.bozo
    assert parsed.feed.id.startswith("tag:talka.example.lv,")
    assert all(e.id.startswith("tag:talka.example.lv,") for e in parsed.entries)
    assert _self_link(parsed) == SITE + "/feed.atom"


def test_csv_says_its_type_and_charset_once(client, world):
    response = client.get("/data/ideas.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]


def test_the_data_package_declares_the_encoding_its_files_have(client, world):
    package = client.get("/data/datapackage.json").get_json()
    assert package["resources"]
    for resource in package["resources"]:
        if resource.get("format") != "csv":
            continue
        assert resource["encoding"] == "utf-8"
        raw = client.get("/data/" + resource["path"].rsplit("/", 1)[-1]).data
        assert not raw.startswith(b"\xef\xbb\xbf"), resource["path"]  # no BOM
        header = next(csv.reader(io.StringIO(raw.decode("utf-8"))))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        text_fields = [f for f in resource["schema"]["fields"] if f["type"] == "string"]
        assert all("(')" in f["description"] for f in text_fields), resource["name"]
    assert "(')" in package["description"]  # the formula guard is documented


def test_the_data_package_passes_a_schema_check(client, world):
    package = client.get("/data/datapackage.json").get_json()
    for key in ("name", "resources", "licenses"):
        assert key in package
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names))
    for resource in package["resources"]:
        assert resource["name"].islower() and resource["path"]
        for field in resource.get("schema", {}).get("fields", []):
            assert field["type"] in {"string", "integer", "number", "boolean", "date",
                                     "datetime", "year", "object", "array", "any"}


def test_every_answer_isolates_its_origin(client, world):
    for path in ("/", "/data", "/feed.atom", "/api/v1/pilots", "/static/css/talka.css"):
        response = client.get(path)
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path
    assert client.get("/").headers["Cross-Origin-Resource-Policy"] == "same-origin"
    # Open data and the public API are for other sites' use: those may be read from anywhere.
    for path in ("/data/ideas.csv", "/api/v1/pilots"):
        assert client.get(path).headers["Cross-Origin-Resource-Policy"] == "cross-origin"


@pytest.mark.parametrize("path", ["/", "/winners", "/static/css/talka.css", "/api/v1/pilots",
                                  "/data/datapackage.json", "/feed.atom"])
def test_text_answers_are_compressed_for_clients_that_accept_it(client, world, path):
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip", path
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert plain.headers.get("Content-Encoding") is None


def test_brotli_is_offered_where_the_client_prefers_it(client, world):
    import brotli

    response = client.get("/", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert b"</html>" in brotli.decompress(response.data)


def test_open_data_answers_304_when_unchanged(client, world):
    first = client.get("/data/ideas.csv")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/data/ideas.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    package = client.get("/data/datapackage.json")
    assert client.get("/data/datapackage.json", headers={
        "If-None-Match": package.headers["ETag"]}).status_code == 304


def test_public_pages_may_be_kept_by_a_proxy_a_few_seconds_but_signed_in_ones_never(
        client, world, signed_in):
    response = client.get("/pilots")
    assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"
    assert "Cookie" in response.headers["Vary"]
    signed_in()
    assert client.get("/pilots").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_compressed_pages_etag_answers_304_without_rendering(client, world, count_queries,
                                                               encoding):
    client.set_cookie("seen", "1", domain="talka.test")  # not ours: past the front cache
    headers = {"Accept-Encoding": encoding}
    first = client.get("/winners", headers=headers)
    assert first.headers["Content-Encoding"] == encoding
    from app.public.cache import page_cache

    served = page_cache.hits
    with count_queries() as counter:
        again = client.get("/winners", headers={**headers,
                                                "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert counter.count == 0 and page_cache.hits == served  # no page taken out to compress
    package = client.get("/data/datapackage.json", headers=headers)
    assert client.get("/data/datapackage.json", headers={
        **headers, "If-None-Match": package.headers["ETag"]}).status_code == 304


def test_the_data_package_is_valid_for_frictionless(client, world, tmp_path):
    """What re-users run: the descriptor and every CSV, read as the descriptor declares."""
    frictionless = pytest.importorskip("frictionless")
    package = client.get("/data/datapackage.json").get_json()
    for resource in package["resources"]:
        local = resource["path"].rsplit("/", 1)[-1]
        (tmp_path / local).write_bytes(client.get(f"/data/{local}").data)
        resource["path"] = local
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_an_english_page_announces_the_english_feed(english, world):
    page = english.get("/winners").get_data(as_text=True)
    assert 'type="application/atom+xml" href="/en/feed.atom"' in page
    assert 'href="/feed.atom"' not in page
