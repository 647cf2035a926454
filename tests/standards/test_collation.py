"""Lists of names in Latvian alphabetical order (ICU, CLDR's Latvian rules)."""

from __future__ import annotations

from app.core.collation import collated, sort_key

LATVIAN_ORDER = ["Ādaži", "Aizkraukle", "Alūksne", "Balvi", "Cēsis", "Cibla",
                 "Čadaži", "Dobele", "Ērgļi", "Gulbene", "Ģipka", "Kuldīga", "Ķekava",
                 "Ludza", "Ļaudona", "Nīca", "Ņukši", "Saldus", "Šķilbēni", "Zilupe", "Žagari"]


def test_names_sort_in_latvian_alphabetical_order():
    assert collated(reversed(LATVIAN_ORDER)) == LATVIAN_ORDER


def test_long_vowels_sort_with_their_letter_and_case_does_not_split_the_list():
    assert sort_key("Ādaži") < sort_key("aizkraukle") < sort_key("Alūksne")
    assert collated(["ērgļi", "Dobele", "Cēsis"]) == ["Cēsis", "Dobele", "ērgļi"]


def test_public_municipality_list_is_in_latvian_order(client):
    """The page groups by planning region: the order holds inside a region."""
    page = client.get("/municipalities").get_data(as_text=True)
    for region in (("Ādažu novads", "Ķekavas novads", "Mārupes novads"),   # Rīga
                   ("Balvu novads", "Līvānu novads", "Ludzas novads")):     # Latgale
        positions = [page.index(name) for name in region]
        assert positions == sorted(positions), region


def test_api_lists_municipalities_in_latvian_order(client):
    names = [m["name"] for m in client.get("/api/v1/municipalities").get_json()]
    assert names == collated(names)
    assert names.index("Ķekavas novads") > names.index("Kuldīgas novads")
    assert names.index("Ādažu novads") < names.index("Aizkraukles novads")
