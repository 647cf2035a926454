"""Public information pages required of a public body's site."""


def test_accessibility_statement_names_the_regulation_and_a_contact(client):
    page = client.get("/accessibility").get_data(as_text=True)
    assert "Piekļūstamības paziņojums" in page
    assert "Nr. 445" in page and "WCAG 2.1" in page
    assert 'href="mailto:' in page


def test_accessibility_statement_in_english(client):
    page = client.get("/en/accessibility").get_data(as_text=True)
    assert "Accessibility statement" in page and "No. 445" in page


def test_privacy_page_says_what_is_public_and_what_is_not(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "Privātuma politika" in page
    assert "vērtētāju identitātes" in page


def test_every_page_links_to_the_statement_and_privacy_page(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/accessibility"' in page and 'href="/privacy"' in page
