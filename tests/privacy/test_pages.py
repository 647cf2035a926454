"""Registration says what is public before the account is made; "My account" offers the
copy and the closing; the admin's user page offers erasure."""

from __future__ import annotations

from html import unescape

from tests.conftest import login


def test_registration_links_to_the_privacy_notice_and_says_what_is_public(client):
    page = unescape(client.get("/register").get_data(as_text=True))
    form_starts = page.index("<form method=\"post\"")
    notice = page.index("Pirms reģistrējaties: kas ir publisks un kas nav")
    assert notice < form_starts
    assert 'href="/privacy"' in page[notice:form_starts]
    assert "Nav publiski: jūsu vārds, e-pasta adrese un pašvaldība." in page


def test_my_account_offers_my_data_and_closing(client, make_user):
    login(client, make_user())
    page = unescape(client.get("/account").get_data(as_text=True))
    assert "<title>Mans konts" in page
    assert 'action="/account/my-data"' in page and 'href="/account/close"' in page


def test_the_admins_user_page_offers_erasure(client, make_user):
    person = make_user()
    login(client, make_user(role="admin"))
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f'href="/admin/users/{person.id}/erase"' in page


def test_only_an_admin_may_erase(client, make_user):
    person = make_user()
    login(client, make_user())
    assert client.post(f"/admin/users/{person.id}/erase",
                       data={"reason": "x"}).status_code == 403
