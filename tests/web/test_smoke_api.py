"""A resident takes a ticket and a clerk serves it, through the REST API."""

from tests.helpers import PASSWORD, make_office, make_staff


def _token(client, username="clerk"):
    r = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


def test_a_ticket_is_issued_called_served_and_finished(app, client, session):
    office = make_office(session)
    make_staff(session, offices=[office])
    r = client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"})
    assert r.status_code == 201, r.json
    ticket = r.json
    assert ticket["display_number"] == "A001"
    assert ticket["position"] == 0
    h = _token(client)
    counter = client.get("/api/v1/offices").json[0]["counters"][0]["id"]
    assert client.post(f"/api/v1/counters/{counter}/take", headers=h).status_code == 200
    r = client.post(f"/api/v1/counters/{counter}/call", headers=h)
    assert r.status_code == 200, r.json
    assert r.json["ticket"]["display_number"] == "A001"
    assert r.json["ticket"]["status"] == "called"
    for action, state in [("recall", "called"), ("start", "serving"), ("finish", "done")]:
        r = client.post(f"/api/v1/counters/{counter}/{action}", headers=h)
        assert r.status_code == 200, r.json
        assert r.json["ticket"]["status"] == state
    assert client.post(f"/api/v1/counters/{counter}/call", headers=h).status_code == 204
    r = client.get(f"/api/v1/tickets/{ticket['token']}")
    assert r.json["status"] == "done"
    r = client.post(f"/api/v1/counters/{counter}/finish", headers=h)
    assert r.status_code == 409
    assert r.json["error"] == "illegal_transition"
