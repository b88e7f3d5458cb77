"""The estimate as the app computes it (SPEC §4): learned from the office's own history (steps
and counter log), counters paused for their usual break, stored at issue, shown as a range."""

from datetime import timedelta

from sqlalchemy import select

from core.businessday import business_day
from junban.estimates import compute_estimate, learned
from junban.forecast import crowding_forecast
from junban.history import fill_history
from junban.models import CounterLog, Office, Step, Ticket
from tests.helpers import PASSWORD, make_office, make_staff


def _office_with_history(session, clock, days=8, minutes=20.0):
    office = make_office(session, services=("idou", "shomei"),
                         counters=[("1", ["idou"], "oldest"), ("2", ["idou", "shomei"], "oldest"),
                                   ("3", ["shomei", "idou"], "ordered")])
    for s in office.services:  # history made with other times than the configured default
        s.default_service_minutes = minutes
    assert fill_history(session, office, business_day(clock()), days=days) == days
    for s in office.services:
        s.default_service_minutes = 10
    session.commit()
    return office


def _api(client, username="clerk"):
    token = client.post("/api/v1/auth/token",
                        json={"username": username, "password": PASSWORD}).json["token"]
    return {"Authorization": f"Bearer {token}"}


def test_service_times_are_learned_from_history_not_from_the_configured_default(
        app, session, clock):
    office = _office_with_history(session, clock, minutes=20.0)
    models, _ = learned(session, office, clock())
    # 20 min of service plus the walk to the counter; the configured default says 10.
    assert 18.0 < models["idou"].mean_min < 24.0
    assert 18.0 < models["shomei"].mean_min < 24.0


def test_the_crowding_forecast_reads_the_simulated_history(app, session, clock):
    office = _office_with_history(session, clock, days=8)  # includes last week's Tuesday
    hours = {h["hour"]: h for h in crowding_forecast(session, office, clock())["hours"]}
    assert hours[9]["arrivals"] > hours[16]["arrivals"] > 0
    assert hours[9]["wait_min"] is not None


def test_each_counters_usual_lunch_is_learned_from_the_counter_log(app, session, clock):
    office = _office_with_history(session, clock)
    _, breaks = learned(session, office, clock())
    first, second, third = (c.id for c in office.counters)
    assert first not in breaks  # the first counter of the office stays open at lunch
    assert 12.0 <= breaks[second].start_hour < 12.5 and breaks[second].minutes == 60
    assert 13.0 <= breaks[third].start_hour < 13.5


def test_history_fills_only_the_days_that_have_no_tickets(app, session, clock):
    office = _office_with_history(session, clock, days=3)
    assert fill_history(session, office, business_day(clock()), days=4) == 1
    days = set(session.scalars(select(Ticket.business_day).where(Ticket.office_id == office.id)))
    assert len(days) == 4 and max(days) < business_day(clock())


def test_taking_and_pausing_a_counter_is_written_to_the_counter_log(app, client, session):
    office = make_office(session)
    make_staff(session, offices=[office])
    h = _api(client)
    cid = office.counters[0].id
    client.post(f"/api/v1/counters/{cid}/take", headers=h)
    client.post(f"/api/v1/counters/{cid}/state", headers=h, json={"state": "paused"})
    client.post(f"/api/v1/counters/{cid}/state", headers=h, json={"state": "open"})
    log = session.scalars(select(CounterLog).where(CounterLog.counter_id == cid)
                          .order_by(CounterLog.id)).all()
    assert [r.state for r in log] == ["open", "paused", "open"]


def test_a_counter_paused_for_lunch_is_expected_back_when_its_lunch_usually_ends(
        app, client, session, clock):
    office = _office_with_history(session, clock, minutes=10.0)
    make_staff(session, offices=[office])
    h = _api(client)
    ids = [c.id for c in office.counters]
    for cid in ids:
        client.post(f"/api/v1/counters/{cid}/take", headers=h)
    clock.set(clock().replace(hour=12, minute=0))
    # Only counter 2 serves idou besides counter 1; counter 1 closes, counter 2 goes to lunch.
    client.post(f"/api/v1/counters/{ids[0]}/state", headers=h, json={"state": "closed"})
    client.post(f"/api/v1/counters/{ids[2]}/state", headers=h, json={"state": "closed"})
    client.post(f"/api/v1/counters/{ids[1]}/state", headers=h, json={"state": "paused"})
    clock.advance(minutes=20)
    t = client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"}).json
    # Back in 40 minutes (its usual hour of lunch), then it calls this ticket unless priority
    # tickets, which arrive at the learned rate, come first.
    est = t["estimate"]
    assert 39 <= est["low"] <= est["minutes"] <= 65, est


def test_the_estimate_at_issue_is_a_range_stored_with_the_ticket(app, client, session, clock):
    office = make_office(session, services=("idou",), counters=[("1", ["idou"], "oldest")])
    make_staff(session, offices=[office])
    h = _api(client)
    client.post(f"/api/v1/counters/{office.counters[0].id}/take", headers=h)
    issued = [client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"}).json
              for _ in range(4)]
    est = [t["estimate"] for t in issued]
    assert all(e["low"] <= e["minutes"] <= e["high"] for e in est)
    assert [e["minutes"] for e in est] == sorted(e["minutes"] for e in est)
    assert est[-1]["minutes"] >= 20  # three ahead at about 10 minutes each, one counter
    stored = session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert [(t.estimate_minutes, t.estimate_low, t.estimate_high) for t in stored] == \
        [(e["minutes"], e["low"], e["high"]) for e in est]
    view = client.get(f"/api/v1/tickets/{issued[-1]['token']}").json
    assert view["estimate"]["low"] <= view["estimate"]["high"]


def test_the_estimate_follows_the_queue_when_a_ticket_is_called(app, client, session, clock):
    office = make_office(session, services=("idou",), counters=[("1", ["idou"], "oldest")])
    make_staff(session, offices=[office])
    h = _api(client)
    cid = office.counters[0].id
    client.post(f"/api/v1/counters/{cid}/take", headers=h)
    tickets = [client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"}).json
               for _ in range(3)]
    before = client.get(f"/api/v1/tickets/{tickets[2]['token']}").json["estimate"]["minutes"]
    client.post(f"/api/v1/counters/{cid}/call", headers=h)
    client.post(f"/api/v1/counters/{cid}/finish", headers=h)
    after = client.get(f"/api/v1/tickets/{tickets[2]['token']}").json["estimate"]["minutes"]
    assert after < before


def test_flask_demo_writes_history_the_forecast_and_the_estimator_read(app, session, clock):
    result = app.test_cli_runner().invoke(args=["demo", "--history-days", "2"])
    assert result.exit_code == 0, result.output
    assert "office days simulated" in result.output
    office = session.scalar(select(Office).where(Office.code == "tenmei"))
    days = set(session.scalars(select(Step.business_day).where(Step.office_id == office.id)))
    assert len(days) == 2 and all(d < business_day(clock()) for d in days)
    estimate = compute_estimate(session, office, clock())
    assert estimate.new_ticket  # every service of the branch has a new ticket's estimate
    again = app.test_cli_runner().invoke(args=["demo", "--history-days", "2"])
    assert "office days simulated" not in again.output  # nothing to fill the second time
    assert business_day(clock()) - min(days) < timedelta(days=7)


def test_a_wait_of_hours_is_shown_as_more_than_two_hours_not_as_minutes(
        app, client, session, clock):
    office = make_office(session, services=("idou",), counters=[("1", ["idou"], "oldest")])
    make_staff(session, offices=[office])
    client.post(f"/api/v1/counters/{office.counters[0].id}/take", headers=_api(client))
    for _ in range(25):  # about 250 minutes of work for one counter
        client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"})
    page = client.get("/kiosk/chuo", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "2時間以上" in page
    assert client.get("/api/v1/offices/chuo/status").json["services"][0]["estimate"]["low"] >= 120
