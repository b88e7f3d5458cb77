"""Read models of the live queue: office status, a ticket's status, a counter's view.

These are what displays, phones, kiosks and consoles show; none carries personal data.
"""

import threading
import time as _time
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.businessday import business_day, issuing_status
from core.errors import Expired, NotFound
from core.policy import Candidate, queue_order
from core.states import AT_COUNTER, State, allowed_actions
from junban.estimates import estimate_office, waiting_candidates, waiting_steps
from junban.models import Counter, Event, Office, Step, Ticket
from junban.offices import office_hours

RECENT_CALLS = 8


def recent_calls(session: Session, office: Office, now: datetime, limit: int = RECENT_CALLS):
    """The last calls (and recalls) of today, newest first: number, counter, service, time."""
    rows = session.execute(
        select(Event.at, Event.kind, Ticket.display_number, Counter.name, Event.service_id,
               Step.state)
        .join(Ticket, Ticket.id == Event.ticket_id)
        .join(Counter, Counter.id == Event.counter_id)
        .join(Step, Step.id == Event.step_id)
        .where(Event.office_id == office.id, Event.kind.in_(("called", "recalled")),
               Event.at >= _day_start(now))
        .order_by(Event.id.desc()).limit(limit)
    ).all()
    codes = {s.id: s.code for s in office.services}
    return [{"display_number": r[2], "counter": r[3], "service": codes.get(r[4]),
             "at": r[0].isoformat(), "recall": r[1] == "recalled",
             "active": r[5] in {s.value for s in AT_COUNTER}} for r in rows]


def _day_start(now: datetime) -> datetime:
    from datetime import time

    from core.businessday import TOKYO

    return datetime.combine(business_day(now), time(0), TOKYO)


def waiting_counts(session: Session, office: Office, now: datetime) -> dict[int, int]:
    """Waiting steps per service id, today."""
    rows = session.execute(
        select(Step.service_id, func.count())
        .where(Step.office_id == office.id, Step.business_day == business_day(now),
               Step.state == State.WAITING.value)
        .group_by(Step.service_id)
    ).all()
    return dict(rows)


def services_status(session: Session, office: Office, now: datetime,
                    lang: str = "ja", estimate=None) -> list[dict]:
    """Per service: code, name, open for issuing, waiting count and a new ticket's estimate."""
    estimate = estimate or estimate_office(session, office, now)
    counts = waiting_counts(session, office, now)
    served = {code for c in office.counters if c.state == "open" for code in c.service_codes}
    out = []
    for s in office.services:
        est = estimate.new_ticket.get(s.code)
        out.append({"code": s.code, "name": s.name(lang), "prefix": s.prefix,
                    "open": s.issuing_open, "waiting": counts.get(s.id, 0),
                    "served_now": s.code in served,
                    "target_minutes": s.target_minutes,
                    "estimate": est.as_dict() if est else None})
    return out


STATUS_TTL_S = 2.0
_status_cache: dict[tuple, tuple[float, datetime, dict]] = {}
_status_lock = threading.Lock()


def forget_status(office: Office) -> None:
    """Drop the office's cached status (called on every queue change of this process)."""
    with _status_lock:
        for key in [k for k in _status_cache if k[1] == office.id]:
            del _status_cache[key]


def office_status(session: Session, office: Office, now: datetime, lang: str = "ja") -> dict:
    """The office's status, shared by every poller for up to 2 s or until the queue changes."""
    key = (str(session.get_bind().url), office.id, lang)
    with _status_lock:
        hit = _status_cache.get(key)
    if hit and _time.monotonic() - hit[0] < STATUS_TTL_S and \
            abs((now - hit[1]).total_seconds()) < STATUS_TTL_S:
        return hit[2]
    status = compute_office_status(session, office, now, lang)
    with _status_lock:
        _status_cache[key] = (_time.monotonic(), now, status)
    return status


def compute_office_status(session: Session, office: Office, now: datetime,
                          lang: str = "ja") -> dict:
    """What a display, an office page or a kiosk shows of the office now."""
    issuing = issuing_status(office_hours(session, office), now)
    return {
        "office": office.code,
        "name": office.name(lang),
        "services": services_status(session, office, now, lang),
        "calling": [c for c in recent_calls(session, office, now) if c["active"]][:6],
        "recent": recent_calls(session, office, now),
        "open_counters": sum(1 for c in office.counters if c.state == "open"),
        "hours": {"opens": office.opens.strftime("%H:%M"),
                  "closes": office.closes.strftime("%H:%M"),
                  "issue_until": office.issue_until.strftime("%H:%M")},
        "issuing": {"open": issuing.open, "reason": issuing.reason,
                    "opens_at": issuing.opens_at.isoformat() if issuing.opens_at else None},
        "updated_at": now.isoformat(),
    }


def positions(session: Session, office: Office, now: datetime,
              pool: list[Candidate] | None = None) -> dict[int, int]:
    """People ahead of each waiting step: same-service steps the queue order puts first."""
    by_service: dict[str, list[Candidate]] = {}
    for c in pool if pool is not None else waiting_candidates(session, office, now):
        by_service.setdefault(c.service, []).append(c)
    out: dict[int, int] = {}
    for code, same in by_service.items():
        ordered = queue_order(same, [code], "oldest", now, office.priority_lead_minutes)
        out.update({c.step_id: i for i, c in enumerate(ordered)})
    return out


def people_ahead(session: Session, step: Step, now: datetime) -> int:
    """How many waiting steps of the same service will be called before this one."""
    if step.state != State.WAITING.value:
        return 0
    return positions(session, step.ticket.service.office, now).get(step.id, 0)


def ticket_view(session: Session, ticket: Ticket, now: datetime, estimate=None,
                lang: str | None = None, live_estimate: bool = True) -> dict:
    """A ticket as its phone page shows it: number, status, people ahead, estimate, counter.
    Without ``live_estimate`` only the estimate stored at issue (no replay of the queue)."""
    step = ticket.current_step
    office = ticket.service.office
    est = None
    if step.state == State.WAITING.value and live_estimate:
        estimate = estimate or estimate_office(session, office, now)
        e = estimate.steps.get(step.id)
        est = e.as_dict() if e else None
    lang = lang or ticket.lang
    return {
        "display_number": ticket.display_number,
        "status": step.state,
        "service": step.service.code,
        "service_name": step.service.name(lang),
        "position": people_ahead(session, step, now),
        "estimate": est,
        "estimate_at_issue": ({"minutes": ticket.estimate_minutes, "low": ticket.estimate_low,
                               "high": ticket.estimate_high}
                              if ticket.estimate_minutes is not None else None),
        "counter": step.counter.name if step.counter and step.state in
        {s.value for s in AT_COUNTER} else None,
        "recall_count": step.recall_count,
        "office": office.code,
        "priority": ticket.priority,
        "issued_at": ticket.issued_at.isoformat(),
        "planned": list(ticket.planned or []),
        "can_cancel": step.state == State.WAITING.value,
    }


def get_ticket(session: Session, token: str, now: datetime | None = None) -> Ticket:
    """The ticket with this unguessable token, or NotFound; with ``now``, Expired when it was
    issued for an earlier business day (a ticket is valid on its day only)."""
    ticket = session.scalar(select(Ticket).where(Ticket.token == token))
    if ticket is None:
        raise NotFound("no such ticket")
    if now is not None and ticket.business_day < business_day(now):
        raise Expired(f"this ticket was for {ticket.business_day.isoformat()}; "
                      "a ticket is valid on the day it was issued")
    return ticket


def counter_view(session: Session, counter: Counter, now: datetime, lang: str = "ja") -> dict:
    """What a clerk's console shows: current ticket, queues with waits, held and no-shows."""
    from junban.counters import current_step

    office = counter.office
    estimate = estimate_office(session, office, now)
    step = current_step(session, counter)
    day = business_day(now)
    held = session.scalars(select(Step).where(Step.office_id == office.id,
                                              Step.business_day == day,
                                              Step.state == State.ON_HOLD.value)).all()
    no_shows = session.scalars(select(Step).where(Step.office_id == office.id,
                                                  Step.business_day == day,
                                                  Step.state == State.NO_SHOW.value)).all()
    mine = set(counter.service_codes)
    services = {s.id: s for s in office.services}
    waiting = [
        {"display_number": s.ticket.display_number, "token": s.ticket.token,
         "service": services[s.service_id].code, "priority": s.priority,
         "waited_min": int((now - s.queued_at).total_seconds() // 60),
         "transferred": s.seq > 0}
        for s in waiting_steps(session, office, now) if services[s.service_id].code in mine
    ]

    def brief(s: Step) -> dict:
        return {"display_number": s.ticket.display_number, "token": s.ticket.token,
                "service": services[s.service_id].code, "state": s.state,
                "counter": s.counter.name if s.counter else None}

    return {
        "counter": {"id": counter.id, "name": counter.name, "label": counter.label,
                    "state": counter.state, "policy": counter.policy,
                    "services": counter.service_codes, "staff_id": counter.staff_id,
                    "staff": counter.staff.display_name or counter.staff.username
                    if counter.staff else None},
        "current": ({**brief(step), "recall_count": step.recall_count,
                     "actions": sorted(a.value for a in allowed_actions(step.state)),
                     "called_at": step.called_at.isoformat() if step.called_at else None,
                     "started_at": step.started_at.isoformat() if step.started_at else None,
                     "planned": list(step.ticket.planned or []), "priority": step.priority}
                    if step else None),
        "services": [s for s in services_status(session, office, now, lang, estimate)
                     if s["code"] in mine],
        "all_services": [{"code": s.code, "name": s.name(lang)} for s in office.services],
        "waiting": waiting,
        "held": [brief(s) for s in held],
        "no_shows": [brief(s) for s in no_shows],
        "updated_at": now.isoformat(),
    }
