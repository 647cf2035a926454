"""The API base: bearer tokens, problem+json errors, reference data, the OpenAPI
document, ids too large for the database, and /healthz."""

from __future__ import annotations

import json

import pytest
from flask import request

from app import create_app
from app.core import access
from tests.conftest import login

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


@pytest.fixture
def probe_app(test_config):
    """A separate app with test-only API routes (the shared app stays as shipped)."""
    other = create_app(test_config)

    @access.admin_only
    def admin_probe():
        return {"secret": "admins only"}

    @access.public
    def crash_probe():
        raise RuntimeError("database password is hunter2")

    @access.public
    def echo_probe():
        return {"got": request.get_json()}

    other.add_url_rule("/api/v1/__echo_probe", "echo_probe", echo_probe, methods=["POST"])
    other.add_url_rule("/api/v1/__admin_probe", "admin_probe", admin_probe)
    other.add_url_rule("/api/v1/__crash_probe", "crash_probe", crash_probe)
    return other


# --- tokens -----------------------------------------------------------------------------

def test_a_token_identifies_its_user(client, make_user, token_for):
    user = make_user(role="coordinator", region="kurzeme")
    response = client.get("/api/v1/me", headers=token_for(user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == user.email
    assert {"role": "coordinator", "region": "kurzeme"} in body["roles"]


def test_no_token_on_a_signed_in_endpoint_is_401(client):
    body = assert_problem(client.get("/api/v1/me"), 401)
    assert body["type"] == "about:blank"


def test_a_browser_session_does_not_authorise_the_api(client, signed_in):
    signed_in()
    assert client.get("/account").status_code == 200
    assert_problem(client.get("/api/v1/me"), 401)


def test_a_bad_token_is_401_even_on_a_public_endpoint(client):
    response = client.get("/api/v1/regions", headers={"Authorization": "Bearer talka_nope"})
    assert_problem(response, 401)


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc",
                                    "talka_abcdef", "Bearer a b c"])
def test_a_malformed_authorization_header_is_401(client, header):
    assert_problem(client.get("/api/v1/regions", headers={"Authorization": header}), 401)
    assert_problem(client.get("/api/v1/me", headers={"Authorization": header}), 401)


def test_a_revoked_token_is_401(client, make_user, token_for):
    from sqlalchemy import select

    from app.accounts.models import ApiToken
    from app.accounts.operations import revoke_api_token
    from app.extensions import db

    user = make_user()
    headers = token_for(user)
    revoke_api_token(db.session.scalar(select(ApiToken)))
    db.session.commit()
    assert_problem(client.get("/api/v1/me", headers=headers), 401)


def test_a_token_of_a_disabled_user_is_401(client, make_user, token_for):
    from app.accounts.operations import disable_user
    from app.extensions import db

    user = make_user()
    headers = token_for(user)
    disable_user(user, actor=make_user(role="admin"))
    db.session.commit()
    assert_problem(client.get("/api/v1/me", headers=headers), 401)


def test_the_api_needs_no_csrf_token(client, make_user, token_for, csrf_enabled):
    # Token-only: no cookie can authorise it, so there is nothing for CSRF to protect.
    response = client.get("/api/v1/me", headers=token_for(make_user()))
    assert response.status_code == 200


# --- problem+json shapes ------------------------------------------------------------------

def test_403_is_problem_json(probe_app, make_user, token_for):
    response = probe_app.test_client().get("/api/v1/__admin_probe",
                                           headers=token_for(make_user()))
    assert_problem(response, 403)
    assert b"admins only" not in response.data


def test_404_is_problem_json(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404)


def test_405_is_problem_json_with_allow(client):
    response = client.post("/api/v1/regions", json={})
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_422_is_problem_json_with_field_errors(client):
    body = assert_problem(client.get("/api/v1/municipalities?region=bogus"), 422)
    assert list(body["errors"]) == ["region"]
    assert body["errors"]["region"]


def test_500_is_problem_json_without_internals(probe_app):
    response = probe_app.test_client().get("/api/v1/__crash_probe")
    body = assert_problem(response, 500)
    assert "hunter2" not in json.dumps(body)
    assert "RuntimeError" not in json.dumps(body)


def test_malformed_json_is_400_problem_json(probe_app):
    response = probe_app.test_client().post("/api/v1/__echo_probe", data="{not json",
                                            content_type="application/json")
    body = assert_problem(response, 400)
    assert "Failed to decode" not in json.dumps(body)


def test_a_too_large_body_is_413_problem_json(probe_app):
    probe_app.config["MAX_CONTENT_LENGTH"] = 1024
    response = probe_app.test_client().post("/api/v1/__echo_probe",
                                            json={"text": "x" * 5000})
    assert_problem(response, 413)


def test_problem_titles_follow_accept_language(client):
    lv = client.get("/api/v1/me", headers={"Accept-Language": "lv"}).get_json()
    en = client.get("/api/v1/me", headers={"Accept-Language": "en"}).get_json()
    assert en["title"] == "Sign-in required"
    assert lv["title"] != en["title"]


# --- reference data ------------------------------------------------------------------------

def test_municipalities_lists_all_43_with_kind_and_region(client):
    response = client.get("/api/v1/municipalities")
    assert response.status_code == 200
    items = response.get_json()
    assert len(items) == 43
    assert {"id", "name", "kind", "region"} <= set(items[0])
    assert {m["kind"] for m in items} == {"state_city", "county"}
    by_name = {m["name"]: m for m in items}
    assert by_name["Dobeles novads"]["kind"] == "county"
    assert by_name["Dobeles novads"]["region"] == "zemgale"
    assert by_name["Rīga"]["kind"] == "state_city"
    assert by_name["Rīga"]["region"] == "riga"


def test_municipalities_filter_by_region(client):
    items = client.get("/api/v1/municipalities?region=zemgale").get_json()
    assert items and {m["region"] for m in items} == {"zemgale"}
    names = {m["name"] for m in items}
    assert {"Jelgava", "Dobeles novads"} <= names
    assert "Rīga" not in names


def test_an_unknown_region_filter_is_422(client):
    assert_problem(client.get("/api/v1/municipalities?region=bogus"), 422)


def test_regions_lists_the_five_codes(client):
    items = client.get("/api/v1/regions").get_json()
    assert sorted(r["code"] for r in items) == sorted(
        ["riga", "kurzeme", "latgale", "vidzeme", "zemgale"])
    assert all(r["name"] for r in items)


def test_reference_data_needs_no_token(client):
    assert client.get("/api/v1/regions").status_code == 200
    assert client.get("/api/v1/municipalities").status_code == 200


def test_openapi_document_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/regions", "/api/v1/municipalities", "/api/v1/me"):
        assert path in spec["paths"], path
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    parameters = spec["paths"]["/api/v1/municipalities"]["get"]["parameters"]
    assert any(p["name"] == "region" for p in parameters)


# --- ids too large for the database ----------------------------------------------------------

@pytest.mark.parametrize("huge", ["99999999999999999999", "9223372036854775808",
                                  "0", "00000000000000000001234"])
def test_an_id_too_large_for_the_database_is_404(client, signed_in, huge):
    signed_in(role="admin")
    assert client.get(f"/admin/users/{huge}").status_code == 404
    assert client.get(f"/admin/municipalities/{huge}").status_code == 404
    assert client.get(f"/admin/outbox/{huge}").status_code == 404
    assert client.post(f"/account/tokens/{huge}/revoke").status_code == 404


@pytest.mark.parametrize("number", ["2147483647", "2147483648", "9223372036854775807"])
def test_ids_at_the_edge_of_the_database_range_are_a_plain_404(client, signed_in, number):
    signed_in(role="admin")
    assert client.get(f"/admin/users/{number}").status_code == 404


def test_a_huge_number_in_a_filter_is_not_an_error(client, signed_in):
    signed_in(role="admin")
    response = client.get("/admin/users?municipality=99999999999999999999999&page=999999999999")
    assert response.status_code == 200


# --- health check ----------------------------------------------------------------------------

def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(test_config, tmp_path):
    unreachable = create_app({**test_config, "SQLALCHEMY_DATABASE_URI":
                              f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}"})
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


def test_healthz_is_503_when_postgresql_does_not_answer(test_config):
    pytest.importorskip("psycopg")
    unreachable = create_app({**test_config, "SQLALCHEMY_DATABASE_URI":
                              "postgresql+psycopg://postgres@127.0.0.1:1/none"})
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503


def test_signed_in_client_can_still_reach_healthz(client, make_user):
    login(client, make_user())
    assert client.get("/healthz").get_json() == {"status": "ok"}
