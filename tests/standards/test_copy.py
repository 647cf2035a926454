"""What the Latvian reader sees: badges filled in, sentences that start with a capital,
counts in the right grammatical number."""

from __future__ import annotations

import re

from flask import render_template_string

from tests.factories_hackathons import make_hackathon


def test_every_hackathon_card_shows_its_phase(client):
    make_hackathon(region="zemgale", title="Zemgales drošība", phase="open")
    make_hackathon(region="kurzeme", title="Kurzemes jaunieši", phase="judging")
    page = client.get("/hackathons/").get_data(as_text=True)
    badges = re.findall(r'<span class="phase phase-([a-z]*)">([^<]*)</span>', page)
    assert sorted(code for code, _label in badges) == ["judging", "open"]
    assert all(label.strip() for _code, label in badges), badges


def test_accessibility_statement_starts_with_a_capital_without_an_operator_name(app, client,
                                                                               monkeypatch):
    monkeypatch.setitem(app.config, "OPERATOR_NAME", "")
    for lang, start in (("lv", "Programmas īstenotājs apņemas"),
                        ("en", "The programme's operator is committed")):
        path = "/accessibility" if lang == "lv" else "/en/accessibility"
        page = client.get(path).get_data(as_text=True)
        assert start in page.replace("&#39;", "'"), lang


def test_counts_take_the_latvian_singular_plural_and_zero_forms(app):
    template = "{{ ngettext('%(num)s account', '%(num)s accounts', n) }}"
    with app.test_request_context("/"):
        from flask_babel import force_locale

        with force_locale("lv"):
            said = {n: render_template_string(template, n=n) for n in (1, 2, 11, 21, 0)}
        with force_locale("en"):
            one = render_template_string(template, n=1)
    assert said == {1: "1 konts", 2: "2 konti", 11: "11 konti",
                    21: "21 konts", 0: "0 kontu"}
    assert one == "1 account"
