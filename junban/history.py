"""Demo history (SPEC §6): months of simulated office days, written as the app writes real ones.

Each office of the database becomes a ``core.simulator.OfficeSpec`` (its services with the
shares and times of CITY.md, its counters with their policies, lunch in turns), and every open
day the office has no tickets for is simulated and stored as tickets, steps, the event log and
the counter log. The crowding forecast and the estimator then learn from it as from real days.
"""

import secrets
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.businessday import TOKYO, OfficeHours, is_open_day
from core.numbering import display_number, next_number
from core.simulator import CounterSpec, DayRecord, OfficeSpec, ServiceSpec, simulate_day
from junban.models import CounterLog, Event, Office, Step, Ticket
from junban.offices import number_range, office_hours

# Share of a ward office's tickets per service (certificates the bulk, CITY.md), the life-event
# chain a step may be sent on along, and the service-time spread.
SHARES = {"shomei": 0.42, "idou": 0.18, "koseki": 0.08, "kokuho": 0.09, "nenkin": 0.05,
          "kodomo": 0.07, "fukushi": 0.04, "mynumber": 0.05, "inkan": 0.05, "zeimu": 0.04}
CHAIN = {"idou": ("kokuho", 0.35), "kokuho": ("nenkin", 0.4), "nenkin": ("kodomo", 0.25)}
# Tickets on a normal day: counter transactions a year (CITY.md) over 243 open days, about a
# third of them at a ticketed counter (the rest are handled without a ticket or by machines), so
# that the demo's counters run at about three quarters of their capacity on a normal day; wards
# without a published figure scale by residents.
DAILY_TICKETS = {"chuo": 330, "higashi": 350, "nishi": 170, "minami": 240, "kita": 260,
                 "takuma": 115, "koda": 100, "shimizu": 80, "tatsuda": 75, "jonan": 40,
                 "tenmei": 14, "kawachi": 9}
HISTORY_DAYS = 60


def office_spec(office: Office, hours: OfficeHours) -> OfficeSpec:
    """The simulator's view of a configured office."""
    codes = [s.code for s in office.services]
    shares = {c: SHARES.get(c, 0.04) for c in codes}
    total = sum(shares.values()) or 1.0
    services = []
    for s in office.services:
        nxt, p = CHAIN.get(s.code, (None, 0.0))
        if nxt not in codes:
            nxt, p = None, 0.0
        services.append(ServiceSpec(
            s.code, s.names.get("ja", s.code), shares[s.code] / total,
            s.default_service_minutes, 0.5, s.target_minutes, 0.03, 0.04, nxt, p,
            busy_volume=2.0 if s.code == "idou" else 1.2))
    counters = tuple(
        CounterSpec(c.id, c.name, tuple(c.service_codes), c.policy,
                    lunch_slot=None if k == 0 else k % 3)
        for k, c in enumerate(office.counters) if c.service_codes)
    daily = DAILY_TICKETS.get(office.code, 30.0 * len(counters))
    return OfficeSpec(office.code, office.names.get("ja", office.code), tuple(services),
                      counters, daily, hours, office.priority_lead_minutes)


def _days_to_fill(session: Session, office: Office, hours: OfficeHours, until: date,
                  days: int) -> list[date]:
    wanted, day = [], until - timedelta(days=1)
    while len(wanted) < days and day > until - timedelta(days=3 * days):
        if is_open_day(hours, day):
            wanted.append(day)
        day -= timedelta(days=1)
    have = set(session.scalars(
        select(Ticket.business_day).where(Ticket.office_id == office.id,
                                          Ticket.business_day.in_(wanted))
        .group_by(Ticket.business_day)))
    return sorted(d for d in wanted if d not in have)


def fill_history(session: Session, office: Office, until: date, days: int = HISTORY_DAYS,
                 seed: int = 1) -> int:
    """Simulate and store the ``days`` open days before ``until`` the office has no tickets
    for; returns how many days were written. Commits."""
    hours = office_hours(session, office)
    spec = office_spec(office, hours)
    if not spec.counters:
        return 0
    todo = _days_to_fill(session, office, hours, until, days)
    for day in todo:
        write_day(session, office, simulate_day(day, seed, spec))
    session.commit()
    return len(todo)


def write_day(session: Session, office: Office, record: DayRecord) -> None:
    """Store one simulated day: tickets, steps, events and the counter log, in bulk."""
    services = {s.code: s for s in office.services}
    by_ticket: dict[int, list] = defaultdict(list)
    for s in record.steps:
        by_ticket[s.ticket_id].append(s)
    numbers: dict[str, int] = {}  # last number issued per numbering service
    ticket_rows = []
    chains = []
    for tid in sorted(by_ticket):
        chain = sorted(by_ticket[tid], key=lambda s: s.step_id)
        first = services[chain[0].service]
        rng = number_range(first)
        number = numbers[first.code] = next_number(rng, numbers.get(first.code))
        ticket_rows.append(dict(
            office_id=office.id, service_id=first.id, business_day=record.day, number=number,
            display_number=display_number(rng, number), token=secrets.token_urlsafe(16),
            priority=chain[0].priority, lang="ja", source="kiosk",
            issued_at=chain[0].issued_at, planned=[]))
        chains.append(chain)
    if not ticket_rows:
        return
    ticket_ids = list(session.scalars(insert(Ticket).returning(Ticket.id,
                                                               sort_by_parameter_order=True),
                                      ticket_rows))
    step_rows, flat = [], []
    for ticket_id, chain in zip(ticket_ids, chains, strict=True):
        for seq, s in enumerate(chain):
            step_rows.append(dict(
                ticket_id=ticket_id, seq=seq, office_id=office.id,
                service_id=services[s.service].id, business_day=record.day, state=s.state,
                priority=s.priority, order_at=s.issued_at, queued_at=s.queued_at,
                called_at=s.called_at, started_at=s.started_at, ended_at=s.ended_at,
                counter_id=s.counter_id, recall_count=0, version=1))
            flat.append((ticket_id, seq, s))
    step_ids = list(session.scalars(insert(Step).returning(Step.id, sort_by_parameter_order=True),
                                    step_rows))
    events = []
    end_kind = {"done": "finished", "no_show": "no_show", "transferred": "transferred"}
    for step_id, (ticket_id, seq, s) in zip(step_ids, flat, strict=True):
        base = dict(office_id=office.id, service_id=services[s.service].id, ticket_id=ticket_id,
                    step_id=step_id)
        if seq == 0:
            events.append(dict(base, at=s.issued_at, kind="issued", counter_id=None,
                               data={"demo": True}))
        for at, kind in ((s.called_at, "called"), (s.started_at, "started"),
                         (s.ended_at, end_kind.get(s.state))):
            if at is not None and kind is not None:
                events.append(dict(base, at=at, kind=kind, counter_id=s.counter_id,
                                   data={"demo": True}))
    session.execute(insert(Event), events)
    session.execute(insert(CounterLog), _counter_log(office, record))


def _counter_log(office: Office, record: DayRecord) -> list[dict]:
    def at(t: time) -> datetime:
        return datetime.combine(record.day, t, TOKYO)

    last_end = max((s.ended_at for s in record.steps if s.ended_at), default=at(office.closes))
    close = max(at(office.closes), last_end)
    rows = []
    breaks = {b.counter_id: b for b in record.breaks}
    for c in record.counters:
        rows.append(dict(at=at(office.opens), office_id=office.id, counter_id=c.counter_id,
                         state="open"))
        b = breaks.get(c.counter_id)
        if b is not None:
            rows.append(dict(at=b.start, office_id=office.id, counter_id=c.counter_id,
                             state="paused"))
            rows.append(dict(at=b.start + timedelta(minutes=b.minutes), office_id=office.id,
                             counter_id=c.counter_id, state="open"))
        rows.append(dict(at=close, office_id=office.id, counter_id=c.counter_id,
                         state="closed"))
    return rows

