"""Every action of SPEC §2.1 through the REST API, and bad input on every API path."""

import pytest

from tests.helpers import PASSWORD, make_office, make_staff


@pytest.fixture
def desk(app, client, session):
    office = make_office(session, services=("idou", "kokuho"),
                         counters=[("1", ["idou", "kokuho"], "oldest")])
    make_staff(session, offices=[office])
    token = client.post("/api/v1/auth/token",
                        json={"username": "clerk", "password": PASSWORD}).json["token"]
    h = {"Authorization": f"Bearer {token}"}
    cid = office.counters[0].id
    assert client.post(f"/api/v1/counters/{cid}/take", headers=h).status_code == 200

    def do(action, **body):
        return client.post(f"/api/v1/counters/{cid}/{action}", headers=h, json=body or None)

    return do


def _issue(client, service="idou"):
    return client.post("/api/v1/offices/chuo/tickets", json={"service": service}).json


def _status(client, ticket):
    return client.get(f"/api/v1/tickets/{ticket['token']}").json


def test_a_no_show_can_be_reinstated_and_called_again(client, desk):
    t = _issue(client)
    desk("call")
    assert desk("no-show").json["ticket"]["status"] == "no_show"
    assert desk("reinstate", ticket=t["display_number"]).json["ticket"]["status"] == "waiting"
    assert desk("call").json["ticket"]["display_number"] == t["display_number"]


def test_a_held_ticket_is_resumed_into_the_queue(client, desk):
    t = _issue(client)
    desk("call")
    desk("start")
    assert desk("hold").json["ticket"]["status"] == "on_hold"
    assert desk("resume").json["ticket"]["status"] == "waiting"
    assert _status(client, t)["status"] == "waiting"


def test_a_transfer_keeps_the_number_and_queues_it_for_the_other_service(client, desk):
    t = _issue(client)
    desk("call")
    r = desk("transfer", service="kokuho")
    assert r.status_code == 200
    view = _status(client, t)
    assert (view["status"], view["service"], view["display_number"]) == \
        ("waiting", "kokuho", t["display_number"])


def test_a_transfer_to_the_same_service_or_nowhere_is_refused(client, desk):
    _issue(client)
    desk("call")
    assert desk("transfer", service="idou").status_code == 400
    assert desk("transfer", service="nowhere").status_code == 404
    assert desk("transfer").status_code == 400


def test_a_resident_cancels_while_waiting_but_not_once_called(client, desk):
    t = _issue(client)
    assert client.post(f"/api/v1/tickets/{t['token']}/cancel").json["status"] == "cancelled"
    t2 = _issue(client)
    desk("call")
    r = client.post(f"/api/v1/tickets/{t2['token']}/cancel")
    assert r.status_code == 409 and r.json["error"] == "illegal_transition"


def test_calling_while_a_ticket_is_still_at_the_counter_is_refused(client, desk):
    _issue(client)
    _issue(client)
    desk("call")
    assert desk("call").status_code == 409


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("post", "/api/v1/offices/chuo/tickets", "not json", 400),
    ("post", "/api/v1/offices/chuo/tickets", {}, 400),
    ("post", "/api/v1/offices/chuo/tickets", {"service": 5}, 400),
    ("post", "/api/v1/offices/chuo/tickets", {"service": "idou", "priority": "yes"}, 400),
    ("post", "/api/v1/offices/chuo/tickets", {"service": "nowhere"}, 404),
    ("post", "/api/v1/offices/nowhere/tickets", {"service": "idou"}, 404),
    ("get", "/api/v1/offices/nowhere/status", None, 404),
    ("get", "/api/v1/tickets/unknown-token", None, 404),
    ("post", "/api/v1/tickets/unknown-token/cancel", None, 404),
    ("post", "/api/v1/auth/token", {"username": "clerk"}, 400),
    ("post", "/api/v1/auth/token", {"username": "clerk", "password": "wrong"}, 401),
    ("post", "/api/v1/counters/1/call", None, 401),
    ("post", "/api/v1/counters/1/take", None, 401),
    ("get", "/api/v1/counters/1", None, 401),
])
def test_bad_input_on_every_api_path_gets_a_json_error(client, desk, method, path, body, status):
    kw = {"data": body, "content_type": "application/json"} if isinstance(body, str) else \
        {"json": body}
    r = getattr(client, method)(path, **kw)
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.is_json and r.json["error"]


def test_a_bad_token_or_an_unknown_action_is_refused(client, desk):
    h = {"Authorization": "Bearer forged"}
    assert client.post("/api/v1/counters/1/call", headers=h).status_code == 401
    assert desk("teleport").status_code == 404
    assert client.post("/api/v1/counters/999/call", headers=h).status_code == 401
