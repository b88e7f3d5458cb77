"""Guarantees a ward office relies on, tried through the app on SQLite and PostgreSQL: numbers
restart each business day, the event log cannot be rewritten, staff act only in their offices,
tokens expire, yesterday's ticket is gone, and the login form needs its CSRF token."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from tests.helpers import PASSWORD, make_office, make_staff


def _issue(client, service="idou"):
    return client.post("/api/v1/offices/chuo/tickets", json={"service": service})


def _token(client, username="clerk"):
    r = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json['token']}"}


def test_numbers_restart_on_the_next_business_day_and_never_repeat_within_one(
        app, client, session, clock):
    make_office(session)
    today = [_issue(client).json["display_number"] for _ in range(3)]
    assert today == ["A001", "A002", "A003"]
    clock.advance(minutes=24 * 60)  # Wednesday 10:00
    assert _issue(client).json["display_number"] == "A001"


def test_the_event_log_refuses_updates_and_deletes(app, client, session):
    make_office(session)
    _issue(client)
    for statement in ("UPDATE event SET kind = 'finished'", "DELETE FROM event"):
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert session.execute(text("SELECT count(*) FROM event")).scalar() == 1


def test_a_clerk_cannot_act_at_a_counter_of_an_office_they_are_not_assigned_to(
        app, client, session):
    chuo = make_office(session)
    higashi = make_office(session, code="higashi")
    make_staff(session, offices=[chuo])
    h = _token(client)
    other = higashi.counters[0].id
    for path in ("take", "call", "finish"):
        r = client.post(f"/api/v1/counters/{other}/{path}", headers=h)
        assert (r.status_code, r.json["error"]) == (403, "forbidden"), path


def test_an_expired_or_forged_api_token_is_refused(app, client, session, clock):
    office = make_office(session)
    make_staff(session, offices=[office])
    h = _token(client)
    cid = office.counters[0].id
    assert client.post(f"/api/v1/counters/{cid}/take", headers=h).status_code == 200
    app.config["API_TOKEN_MAX_AGE"] = -1  # every token issued so far is now too old
    assert client.post(f"/api/v1/counters/{cid}/call", headers=h).status_code == 401
    forged = {"Authorization": h["Authorization"][:-4] + "AAAA"}
    app.config["API_TOKEN_MAX_AGE"] = 3600
    assert client.post(f"/api/v1/counters/{cid}/call", headers=forged).status_code == 401


def test_yesterdays_ticket_is_gone_on_the_phone_and_in_the_api(app, client, session, clock):
    make_office(session)
    t = _issue(client).json
    clock.advance(minutes=24 * 60)
    r = client.get(f"/api/v1/tickets/{t['token']}")
    assert (r.status_code, r.json["error"]) == (410, "expired")
    assert client.post(f"/api/v1/tickets/{t['token']}/cancel").status_code == 410
    assert client.get(f"/t/{t['token']}").status_code == 410
    clock.advance(minutes=-24 * 60)
    assert client.get(f"/api/v1/tickets/{t['token']}").json["status"] == "waiting"


def test_the_login_form_refuses_a_post_without_its_csrf_token(app, client, session):
    office = make_office(session)
    make_staff(session, offices=[office])
    r = client.post("/counter/login", data={"username": "clerk", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/counter/", follow_redirects=False).status_code in (302, 401)


def test_the_estimate_at_issue_is_kept_when_the_queue_later_moves(app, client, session, clock):
    office = make_office(session, services=("idou",), counters=[("1", ["idou"], "oldest")])
    make_staff(session, offices=[office])
    h = _token(client)
    client.post(f"/api/v1/counters/{office.counters[0].id}/take", headers=h)
    first = [_issue(client).json for _ in range(3)][-1]
    clock.advance(minutes=5)
    client.post(f"/api/v1/counters/{office.counters[0].id}/call", headers=h)
    view = client.get(f"/api/v1/tickets/{first['token']}").json
    assert view["estimate_at_issue"] == first["estimate"]
    assert view["position"] == 1  # the live view moved on; the stored estimate did not
