"""Public API reads are cacheable and readable from any origin."""


def test_public_list_sends_etag_and_answers_304(client):
    first = client.get("/api/v1/municipalities")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = client.get("/api/v1/municipalities", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_etag_changes_when_the_data_changes(client, db):
    from app.places.models import Municipality

    etag = client.get("/api/v1/municipalities").headers["ETag"]
    municipality = db.session.scalar(db.select(Municipality).where(Municipality.name == "Rīga"))
    municipality.name = "Rīgas valstspilsēta"
    db.session.commit()
    response = client.get("/api/v1/municipalities", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Rīgas valstspilsēta" in response.get_data(as_text=True)


def test_public_get_allows_any_origin(client):
    response = client.get("/api/v1/regions", headers={"Origin": "https://portal.example.lv"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_personal_answers_are_not_shared(client, make_user, token_for):
    headers = token_for(make_user())
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "ETag" not in response.headers
