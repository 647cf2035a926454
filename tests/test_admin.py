"""Administration: finding users, granting and revoking roles, disabling accounts,
correcting reference data, the outbox and the audit log — and nobody else gets in."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.accounts.models import Role, RoleGrant, User
from app.core.audit import AuditEntry
from app.extensions import db
from app.mail.operations import queue_mail
from app.places.models import Municipality, MunicipalityKind, Region
from tests.conftest import login, municipality


def in_latvian(message: str) -> str:
    from flask_babel import force_locale, gettext

    with force_locale("lv"):
        return str(escape(gettext(message)))


@pytest.fixture
def admin(signed_in):
    return signed_in(role="admin", name="Anna Administratore")


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id if hasattr(obj, "id") else obj.code)


def audit_entries(action: str, about=None) -> list[AuditEntry]:
    """Audit entries of one action (about one object, if given), oldest first."""
    db.session.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    if about is not None:
        query = query.where(AuditEntry.object_id == str(getattr(about, "id", about)))
    return list(db.session.scalars(query))


def users_listed(client, query: str) -> set[str]:
    response = client.get(f"/admin/users?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return {u.email for u in db.session.scalars(select(User)) if f"<td>{u.email}</td>" in html}


# --- who gets in -----------------------------------------------------------------------

def _admin_urls(app):
    values = {"user_id": 1, "grant_id": 1, "municipality_id": 1, "message_id": 1,
              "code": "kurzeme"}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access_rule", None) != "admin":
            continue
        path = rule.build({name: values.get(name, 1) for name in rule.arguments},
                          append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


@pytest.mark.parametrize("role", [None, "coordinator"])
def test_non_admins_get_403_on_every_admin_page(app, client, make_user, role):
    victim = make_user(name="Victim")
    user = make_user(role=role, region="kurzeme" if role else None)
    login(client, user)
    audited = db.session.scalar(select(func.count(AuditEntry.id)))
    urls = list(_admin_urls(app))
    assert len(urls) >= 12
    for method, path in urls:
        path = path.replace("/users/1", f"/users/{victim.id}")
        response = client.open(path, method=method, data={"name": "Hacked", "role": "admin"})
        assert response.status_code == 403, (method, path)
    assert reload(victim).is_active
    assert not reload(user).is_admin
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audited


def test_anonymous_visitors_are_sent_to_sign_in_from_admin_pages(app, client):
    for method, path in _admin_urls(app):
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path)
        assert "/login" in response.headers["Location"]


def test_refused_admin_access_is_logged(client, signed_in, caplog):
    user = signed_in()
    caplog.set_level(logging.INFO, logger="talka.security")
    client.get("/admin/users")
    refused = [r for r in caplog.records if getattr(r, "event", "") == "access_refused"]
    assert refused and refused[0].fields["user_id"] == user.id
    assert refused[0].fields["path"] == "/admin/users"
    assert refused[0].fields["ip"] == "127.0.0.1"


def test_the_403_page_is_localised(client, signed_in):
    signed_in()
    response = client.get("/admin/")
    assert response.status_code == 403
    assert in_latvian("Access denied") in response.get_data(as_text=True)


# --- users ---------------------------------------------------------------------------

def test_users_can_be_found_by_name_or_email(client, admin, make_user):
    make_user("janis@dobele.lv", name="Jānis Bērziņš")
    make_user("liga@kuldiga.lv", name="Līga Kalniņa")
    assert users_listed(client, "q=bērziņ") == {"janis@dobele.lv"}
    assert users_listed(client, "q=KULDIGA") == {"liga@kuldiga.lv"}
    assert users_listed(client, "q=nobody-like-this") == set()


def test_users_can_be_filtered_by_role_and_municipality(client, admin, make_user):
    dobele = municipality("Dobeles novads")
    make_user("plain@dobele.lv", municipality="Dobeles novads")
    make_user("coord@talka.lv", role="coordinator", region="zemgale")
    disabled = make_user("gone@talka.lv")
    disabled.disabled_at = disabled.created_at
    db.session.commit()
    assert users_listed(client, "role=coordinator") == {"coord@talka.lv"}
    assert users_listed(client, "role=admin") == {admin.email}
    assert users_listed(client, "role=disabled") == {"gone@talka.lv"}
    assert users_listed(client, f"municipality={dobele.id}") == {"plain@dobele.lv"}
    assert users_listed(client, f"role=coordinator&municipality={dobele.id}") == set()


def test_granting_a_regional_coordinator_is_audited(client, admin, make_user):
    user = make_user()
    response = client.post(f"/admin/users/{user.id}/roles",
                           data={"role": "coordinator", "region_code": "kurzeme"})
    assert response.status_code == 302
    user = reload(user)
    assert user.coordinates_region("kurzeme")
    assert not user.coordinates_region("latgale")
    assert not user.is_national_coordinator
    [entry] = audit_entries("user.grant_role", about=user)
    assert entry.actor_id == admin.id
    assert entry.before == {"roles": []}
    assert entry.after == {"roles": ["coordinator:kurzeme"]}
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.grant_role" in page
    assert "Anna Administratore" in page
    assert "coordinator:kurzeme" in page


def test_granting_a_national_coordinator(client, admin, make_user):
    user = make_user()
    client.post(f"/admin/users/{user.id}/roles", data={"role": "coordinator", "region_code": ""})
    user = reload(user)
    assert user.is_national_coordinator
    assert user.coordinates_region("latgale")


def test_granting_admin_lets_the_user_into_admin_pages(app, client, admin, make_user):
    user = make_user()
    other = app.test_client()
    login(other, user)
    assert other.get("/admin/").status_code == 403
    client.post(f"/admin/users/{user.id}/roles", data={"role": "admin", "region_code": "riga"})
    assert reload(user).is_admin
    assert reload(user).has_role(Role.ADMIN, None)  # admin is never regional
    assert other.get("/admin/").status_code == 200


def test_granting_a_role_for_an_unknown_region_is_refused(client, admin, make_user):
    user = make_user()
    response = client.post(f"/admin/users/{user.id}/roles",
                           data={"role": "coordinator", "region_code": "atlantis"})
    assert response.status_code == 422
    assert in_latvian("Choose a planning region.") in response.get_data(as_text=True)
    assert reload(user).roles == []
    assert audit_entries("user.grant_role", about=user) == []


def test_revoking_a_role_is_audited(client, admin, make_user):
    user = make_user(role="coordinator", region="latgale")
    grant = user.roles[0]
    response = client.post(f"/admin/users/{user.id}/roles/{grant.id}/revoke")
    assert response.status_code == 302
    assert not reload(user).is_coordinator
    entry = audit_entries("user.revoke_role")[-1]
    assert entry.before == {"roles": ["coordinator:latgale"]}
    assert entry.after == {"roles": []}
    assert "user.revoke_role" in client.get("/admin/audit").get_data(as_text=True)


def test_a_grant_of_another_user_cannot_be_revoked_through_this_user(client, admin, make_user):
    owner = make_user(role="coordinator", region="latgale")
    other = make_user()
    response = client.post(f"/admin/users/{other.id}/roles/{owner.roles[0].id}/revoke")
    assert response.status_code == 404
    assert reload(owner).is_coordinator


def test_an_admin_cannot_revoke_their_own_admin_role(client, admin):
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == admin.id))
    response = client.post(f"/admin/users/{admin.id}/roles/{grant.id}/revoke",
                           follow_redirects=True)
    assert response.status_code == 200
    assert in_latvian("You cannot remove your own administrator role.") in response.get_data(
        as_text=True)
    assert reload(admin).is_admin
    assert audit_entries("user.revoke_role") == []


def test_another_admin_can_revoke_an_admin(client, admin, make_user):
    other = make_user(role="admin")
    response = client.post(f"/admin/users/{other.id}/roles/{other.roles[0].id}/revoke")
    assert response.status_code == 302
    assert not reload(other).is_admin


def test_disabling_and_enabling_a_user_is_audited(client, admin, make_user):
    user = make_user()
    client.post(f"/admin/users/{user.id}/disable")
    assert not reload(user).is_active
    assert "disabled" in client.get("/admin/users?role=disabled").get_data(as_text=True)
    client.post(f"/admin/users/{user.id}/enable")
    assert reload(user).is_active
    [disabled] = audit_entries("user.disable")
    [enabled] = audit_entries("user.enable")
    assert (disabled.before, disabled.after) == ({"active": True}, {"active": False})
    assert (enabled.before, enabled.after) == ({"active": False}, {"active": True})
    history = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "user.disable" in history and "user.enable" in history


def test_an_admin_cannot_disable_themselves(client, admin):
    response = client.post(f"/admin/users/{admin.id}/disable", follow_redirects=True)
    assert in_latvian("You cannot disable your own account.") in response.get_data(as_text=True)
    assert reload(admin).is_active
    assert client.get("/admin/").status_code == 200


def test_an_unknown_user_is_404(client, admin):
    assert client.get("/admin/users/987654").status_code == 404
    assert client.post("/admin/users/987654/disable").status_code == 404


# --- reference data ------------------------------------------------------------------------

def test_correcting_a_municipality_is_saved_and_audited(client, admin):
    dobele = municipality("Dobeles novads")
    assert client.get(f"/admin/municipalities/{dobele.id}").status_code == 200
    response = client.post(f"/admin/municipalities/{dobele.id}", data={
        "name": "Dobeles nov.", "kind": "state_city", "region_code": "kurzeme"})
    assert response.status_code == 302
    dobele = reload(dobele)
    assert (dobele.name, dobele.kind, dobele.region_code) == (
        "Dobeles nov.", MunicipalityKind.STATE_CITY, "kurzeme")
    [entry] = audit_entries("municipality.update")
    assert entry.before == {"name": "Dobeles novads", "kind": "county", "region_code": "zemgale",
                            "domain_names": []}
    assert entry.after == {"name": "Dobeles nov.", "kind": "state_city",
                           "region_code": "kurzeme", "domain_names": []}
    assert "Dobeles nov." in client.get("/admin/places").get_data(as_text=True)
    assert "municipality.update" in client.get("/admin/audit").get_data(as_text=True)


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Fill in this field."),
    ({"name": "Jelgava"}, "Another municipality already has this name."),
    ({"name": "rīga"}, "Another municipality already has this name."),
    ({"region_code": "atlantis"}, "Choose a planning region."),
])
def test_a_bad_municipality_correction_is_refused(client, admin, changes, message):
    dobele = municipality("Dobeles novads")
    data = {"name": "Dobeles novads", "kind": "county", "region_code": "zemgale", **changes}
    response = client.post(f"/admin/municipalities/{dobele.id}", data=data)
    assert response.status_code == 422
    assert in_latvian(message) in response.get_data(as_text=True)
    assert reload(dobele).name == "Dobeles novads"
    assert audit_entries("municipality.update") == []


def region_form(region: Region, **changes) -> dict:
    data = {"name_lv": region.name_lv, "name_en": region.name_en,
            "service_direction_lv": region.service_direction_lv,
            "service_direction_en": region.service_direction_en,
            "envelope_eur": str(region.envelope_eur),
            "vat_envelope_eur": str(region.vat_envelope_eur)}
    data.update(changes)
    return data


def test_correcting_a_regions_envelope_is_saved_and_audited(client, admin):
    kurzeme = db.session.get(Region, "kurzeme")
    old = kurzeme.envelope_eur
    response = client.post("/admin/regions/kurzeme",
                           data=region_form(kurzeme, envelope_eur="1 234 567,89"))
    assert response.status_code == 302
    assert reload(kurzeme).envelope_eur == Decimal("1234567.89")
    [entry] = audit_entries("region.update")
    assert entry.before["envelope_eur"] == str(old)
    assert entry.after["envelope_eur"] == "1234567.89"
    assert "region.update" in client.get("/admin/audit").get_data(as_text=True)


@pytest.mark.parametrize("amount", ["abc", "-5", "1e12", "NaN", "Infinity", ""])
def test_a_bad_envelope_amount_is_refused(client, admin, amount):
    kurzeme = db.session.get(Region, "kurzeme")
    old = kurzeme.envelope_eur
    response = client.post("/admin/regions/kurzeme",
                           data=region_form(kurzeme, envelope_eur=amount))
    assert response.status_code == 422
    assert reload(kurzeme).envelope_eur == old
    assert audit_entries("region.update") == []


def test_an_unknown_region_is_404(client, admin):
    assert client.get("/admin/regions/atlantis").status_code == 404
    assert client.get("/admin/regions/" + "x" * 300).status_code == 404


# --- outbox and audit log --------------------------------------------------------------------

def test_the_outbox_lists_messages_and_shows_one(client, admin, make_user):
    user = make_user(name="Ilze Vītola")
    message = queue_mail(user.email, "password_reset", locale="lv", user=user,
                         url="http://talka.test/password-reset/abc")
    db.session.commit()
    listing = client.get("/admin/outbox").get_data(as_text=True)
    assert user.email in listing
    assert str(escape(message.subject)) in listing
    shown = client.get(f"/admin/outbox/{message.id}")
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "http://talka.test/password-reset/abc" in html
    assert "Ilze Vītola" in html
    assert user.email in client.get(f"/admin/outbox?q={user.email[:5]}").get_data(as_text=True)


def test_the_audit_log_can_be_filtered_by_action(client, admin, make_user):
    user = make_user()
    client.post(f"/admin/users/{user.id}/disable")
    client.post(f"/admin/users/{user.id}/roles", data={"role": "admin", "region_code": ""})
    page = client.get("/admin/audit?action=user.disable").get_data(as_text=True)
    assert "user.disable" in page
    assert "user.grant_role" not in page


def test_the_admin_home_counts_things(client, admin):
    response = client.get("/admin/")
    assert response.status_code == 200


def test_admin_corrections_change_the_public_reference_data(client, admin):
    jelgava = db.session.scalar(select(Municipality).where(Municipality.name == "Jelgava"))
    client.post(f"/admin/municipalities/{jelgava.id}",
                data={"name": "Jelgavas valstspilsēta", "kind": "state_city",
                      "region_code": "zemgale"})
    names = {m["name"] for m in client.get("/api/v1/municipalities").get_json()}
    assert "Jelgavas valstspilsēta" in names and "Jelgava" not in names


def test_admin_pages_name_regions_instead_of_showing_their_codes(client, admin, make_user):
    coordinator = make_user(name="Sandra Kauranena", role="coordinator", region="zemgale")
    listing = client.get("/admin/users").get_data(as_text=True)
    row = listing[listing.index("Sandra Kauranena"):]
    row = row[:row.index("</tr>")]
    assert "Zemgales plānošanas reģions" in row and "(zemgale)" not in row
    page = client.get(f"/admin/users/{coordinator.id}").get_data(as_text=True)
    assert ">Zemgales plānošanas reģions</option>" in page
