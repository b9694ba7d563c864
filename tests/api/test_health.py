def test_health_answers_without_a_token(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_an_api_route_without_a_token_is_refused_with_401(client):
    response = client.get("/api/leads")
    assert response.status_code in (401, 404, 405)
