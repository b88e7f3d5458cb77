"""Every live event reaches the room it is meant for, through the Socket.IO test client."""

import re

import pytest

from junban import realtime
from junban.extensions import socketio
from tests.helpers import PASSWORD, make_office, make_staff


def _settled(client):
    """Everything pushed so far to this Socket.IO test client, once queue publishing is done."""
    with client.app.app_context():
        assert realtime.flush()
    return client.get_received()


def _events(client, name):
    return [e["args"][0] for e in _settled(client) if e["name"] == name]


@pytest.fixture
def office(session):
    office = make_office(session)
    make_staff(session, offices=[office])
    return office


@pytest.fixture
def clerk(app, client, office):
    r = client.post("/api/v1/auth/token", json={"username": "clerk", "password": PASSWORD})
    h = {"Authorization": f"Bearer {r.json['token']}"}
    counter = office.counters[0].id
    assert client.post(f"/api/v1/counters/{counter}/take", headers=h).status_code == 200
    return counter, h


def _display(app):
    sio = socketio.test_client(app)
    snap = sio.emit("subscribe_office", {"office": "chuo"}, callback=True)
    assert snap["office"] == "chuo"
    _settled(sio)
    return sio


def test_subscribing_to_an_office_answers_with_its_full_status(app, office):
    sio = socketio.test_client(app)
    snap = sio.emit("subscribe_office", {"office": "chuo", "lang": "en"}, callback=True)
    assert [s["code"] for s in snap["services"]] == ["idou", "shomei"]
    assert snap["issuing"]["open"] is True
    assert snap["calling"] == []


def test_subscribing_to_an_unknown_office_or_ticket_is_answered_with_an_error(app, office):
    sio = socketio.test_client(app)
    assert sio.emit("subscribe_office", {"office": "nowhere"}, callback=True)["error"] == \
        "not_found"
    assert sio.emit("subscribe_office", "chuo", callback=True)["error"]
    assert sio.emit("subscribe_ticket", {"token": "x" * 43}, callback=True)["error"] == \
        "not_found"


def test_a_new_ticket_tells_the_office_that_the_queue_changed(app, client, office):
    sio = _display(app)
    client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"})
    changes = _events(sio, "queue_changed")
    assert len(changes) == 1
    idou = next(s for s in changes[0]["services"] if s["code"] == "idou")
    assert idou["waiting"] == 1


def test_a_call_reaches_the_hall_and_the_ticket_holder_but_not_other_tickets(
        app, client, office, clerk):
    counter, h = clerk
    mine = client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"}).json
    other = client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"}).json
    hall = _display(app)
    phone = socketio.test_client(app)
    view = phone.emit("subscribe_ticket", {"token": mine["token"]}, callback=True)
    assert view["status"] == "waiting"
    _settled(phone)
    other_phone = socketio.test_client(app)
    other_phone.emit("subscribe_ticket", {"token": other["token"]}, callback=True)
    _settled(other_phone)

    client.post(f"/api/v1/counters/{counter}/call", headers=h)

    calls = _events(hall, "ticket_called")
    assert calls == [{"display_number": "A001", "counter": "1", "service": "idou",
                      "at": calls[0]["at"], "recall": False}]
    updates = _events(phone, "ticket_updated")
    assert updates[0]["status"] == "called"
    assert updates[0]["counter"] == "1"
    others = _events(other_phone, "ticket_updated")
    assert all(u["status"] == "waiting" for u in others)
    assert others[-1]["position"] == 0  # A001 left the queue: nobody is ahead any more


def test_a_recall_is_announced_again_as_a_recall(app, client, office, clerk):
    counter, h = clerk
    client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"})
    client.post(f"/api/v1/counters/{counter}/call", headers=h)
    hall = _display(app)
    client.post(f"/api/v1/counters/{counter}/recall", headers=h)
    assert [c["recall"] for c in _events(hall, "ticket_called")] == [True]


def test_a_finished_ticket_leaves_the_now_calling_panel(app, client, office, clerk):
    counter, h = clerk
    client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"})
    client.post(f"/api/v1/counters/{counter}/call", headers=h)
    client.post(f"/api/v1/counters/{counter}/start", headers=h)
    hall = _display(app)
    client.post(f"/api/v1/counters/{counter}/finish", headers=h)
    left = _events(hall, "ticket_left_counter")
    assert [(x["display_number"], x["counter"]) for x in left] == [("A001", "1")]


def test_a_console_follows_its_counter_only_when_a_clerk_is_logged_in(app, office, clerk):
    counter, h = clerk
    anonymous = socketio.test_client(app)
    assert anonymous.emit("subscribe_counter", {"counter": counter}, callback=True)["error"]

    web = app.test_client()
    page = web.get("/counter/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = web.post("/counter/login", data={"username": "clerk", "password": PASSWORD,
                                         "csrf_token": csrf})
    assert r.status_code == 302
    console = socketio.test_client(app, flask_test_client=web)
    view = console.emit("subscribe_counter", {"counter": counter}, callback=True)
    assert view["counter"]["id"] == counter
    _settled(console)
    app.test_client().post("/api/v1/offices/chuo/tickets", json={"service": "idou"})
    assert _events(console, "counter_changed")


def test_a_cancelled_ticket_is_pushed_to_its_phone(app, client, office):
    ticket = client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"}).json
    phone = socketio.test_client(app)
    phone.emit("subscribe_ticket", {"token": ticket["token"]}, callback=True)
    _settled(phone)
    client.post(f"/api/v1/tickets/{ticket['token']}/cancel")
    assert _events(phone, "ticket_updated")[0]["status"] == "cancelled"
