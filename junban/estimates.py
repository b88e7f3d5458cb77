"""Feeding the core estimator from the database (SPEC §4).

What it learns, from the office's own history of the last ``HISTORY_DAYS`` business days (days of
the same season when there are enough of them): per service and time of day, how long a step
occupies its counter, how often nobody answers the call, where steps are sent on and how often,
and how fast tickets (priority ones too) arrive; per counter, the break it usually takes (from
the counter log). What it sees now: today's waiting steps, the counters open or paused (since
when, whether they have had their break), the step each is busy with and for how long.
"""

import dataclasses
import threading
import time as _time
from collections import Counter
from datetime import date, datetime, time, timedelta

from flask import current_app, g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.businessday import TOKYO, business_day, hour_of_day
from core.estimate import (
    NEW_TICKET_ID,
    BreakSample,
    CounterState,
    Estimate,
    QueueEstimate,
    ServiceModel,
    StepSample,
    UsualBreak,
    estimate_queue,
    expected_breaks,
    learn_breaks,
    learn_models,
    pauses_from_log,
    similar_days,
)
from core.policy import Candidate
from junban.models import CounterLog, Office, Service, Step, Ticket
from junban.offices import busy_seasons

HISTORY_DAYS = 60
_HISTORY_TTL_S = 600.0
_ESTIMATE_TTL_S = 5.0  # an estimate other processes' changes may leave this old


@dataclasses.dataclass(frozen=True)
class History:
    """The office's past as the learners need it."""

    steps: dict[date, list[StepSample]]
    breaks: dict[date, list[BreakSample]]
    worked: dict[date, set[int]]  # counters open on each day


_lock = threading.RLock()
_no_app_caches: dict[str, dict] = {}


def _cache(name: str) -> dict:
    """One of the app's caches (history, models, estimate), keyed by database URL and office."""
    store = (current_app.extensions.setdefault("junban.estimate_caches", {})
             if has_app_context() else _no_app_caches)
    with _lock:
        return store.setdefault(name, {})


def waiting_steps(session: Session, office: Office, now: datetime) -> list[Step]:
    """Today's waiting steps of ``office``."""
    return list(session.scalars(
        select(Step).options(joinedload(Step.ticket))
        .where(Step.office_id == office.id, Step.business_day == business_day(now),
               Step.state == "waiting").order_by(Step.order_at, Step.id)))


def _waiting(office: Office, now: datetime, *columns):
    return (select(*columns).where(Step.office_id == office.id,
                                   Step.business_day == business_day(now),
                                   Step.state == "waiting").order_by(Step.order_at, Step.id))


_CANDIDATE_COLUMNS = (Step.id, Step.service_id, Step.order_at, Step.queued_at, Step.priority,
                      Step.ticket_id)


def _candidates(office: Office, rows) -> list[Candidate]:
    services = {s.id: s for s in office.services}
    return [Candidate(r.id, services[r.service_id].code, r.order_at, r.queued_at, r.priority,
                      services[r.service_id].target_minutes, r.ticket_id) for r in rows]


def waiting_candidates(session: Session, office: Office, now: datetime) -> list[Candidate]:
    """Today's waiting steps of ``office`` as the calling policy and the replay see them, in
    queue order; read as columns, so a queue of hundreds costs one light query."""
    return _candidates(office, session.execute(_waiting(office, now, *_CANDIDATE_COLUMNS)))


def waiting_with_tokens(session: Session, office: Office, now: datetime
                        ) -> tuple[list[Candidate], list[str]]:
    """As waiting_candidates, with each step's ticket token (its phone's room) alongside."""
    rows = session.execute(_waiting(office, now, *_CANDIDATE_COLUMNS, Ticket.token)
                           .join(Ticket, Ticket.id == Step.ticket_id)).all()
    return _candidates(office, rows), [r.token for r in rows]


def _minutes(a: datetime, b: datetime) -> float:
    return (a - b).total_seconds() / 60.0


def load_history(session: Session, office: Office, today: date) -> History:
    """Past steps and counter pauses of ``office`` from the event log and the counter log."""
    since = today - timedelta(days=HISTORY_DAYS)
    codes = {s.id: s.code for s in office.services}
    rows = session.execute(
        select(Step.ticket_id, Step.seq, Step.service_id, Step.business_day, Step.queued_at,
               Step.state, Step.priority, Step.called_at, Step.ended_at)
        .where(Step.office_id == office.id, Step.business_day >= since,
               Step.business_day < today)).all()
    sent_to = {(r.ticket_id, r.seq): r.service_id for r in rows}
    steps: dict[date, list[StepSample]] = {}
    for r in rows:
        busy = _minutes(r.ended_at, r.called_at) if r.ended_at and r.called_at else None
        nxt = sent_to.get((r.ticket_id, r.seq + 1)) if r.state == "transferred" else None
        steps.setdefault(r.business_day, []).append(StepSample(
            codes.get(r.service_id, "?"), r.business_day, hour_of_day(r.queued_at), r.state,
            r.seq == 0, r.priority, busy, codes.get(nxt) if nxt else None))
    log = session.execute(
        select(CounterLog.counter_id, CounterLog.at, CounterLog.state)
        .where(CounterLog.office_id == office.id,
               CounterLog.at >= datetime.combine(since, time(0), TOKYO))
        .order_by(CounterLog.counter_id, CounterLog.at, CounterLog.id)).all()
    breaks: dict[date, list[BreakSample]] = {}
    for sample in pauses_from_log(log):
        if sample.day < today:
            breaks.setdefault(sample.day, []).append(sample)
    worked: dict[date, set[int]] = {}
    for cid, at, state in log:
        if state == "open":
            worked.setdefault(business_day(at), set()).add(cid)
    return History(steps, breaks, worked)


def _history(session: Session, office: Office, today: date) -> History:
    key = (str(session.get_bind().url), office.id, today)
    with _lock:
        hit = _cache("history").get(key)
        if hit and _time.monotonic() - hit[0] < _HISTORY_TTL_S:
            return hit[1]
    history = load_history(session, office, today)
    with _lock:
        _cache("history")[key] = (_time.monotonic(), history)
    return history


def learned(session: Session, office: Office, now: datetime
            ) -> tuple[dict[str, ServiceModel], dict[int, UsualBreak]]:
    """Service models for this half hour and counters' usual breaks (cached per half hour)."""
    today = business_day(now)
    slot = int(hour_of_day(now) * 2)
    key = (str(session.get_bind().url), office.id, today, slot)
    with _lock:
        hit = _cache("models").get(key)
        if hit and _time.monotonic() - hit[0] < _HISTORY_TTL_S:
            return hit[1], hit[2]
    history = _history(session, office, today)
    days = similar_days(sorted(history.steps), today, busy_seasons(session))
    defaults = {s.code: s.default_service_minutes for s in office.services}
    targets = {s.code: s.target_minutes for s in office.services}
    models = learn_models([x for d in days for x in history.steps[d]], slot / 2 + 0.25,
                          defaults)
    models = {code: dataclasses.replace(m, target_min=targets.get(code, m.target_min))
              for code, m in models.items()}
    worked = Counter(c for d in days for c in history.worked.get(d, ()))
    breaks = learn_breaks([b for d in days for b in history.breaks.get(d, [])], worked)
    with _lock:
        _cache("models")[key] = (_time.monotonic(), models, breaks)
    return models, breaks


def counter_states(session: Session, office: Office, now: datetime,
                   breaks: dict[int, UsualBreak]) -> list[CounterState]:
    """Counters open or paused as the replay should assume them (all counters, free now, before
    any is open), each with the step it is busy with and its usual break."""
    today = business_day(now)
    working = [c for c in office.counters if c.state in ("open", "paused")]
    if not working:
        return [CounterState(c.id, tuple(c.service_codes), c.policy) for c in office.counters]
    busy = {
        s.counter_id: s for s in session.scalars(
            select(Step).where(Step.office_id == office.id, Step.business_day == today,
                               Step.state.in_(("called", "serving"))))
    }
    log = session.execute(
        select(CounterLog.counter_id, CounterLog.at, CounterLog.state)
        .where(CounterLog.office_id == office.id,
               CounterLog.at >= now - timedelta(hours=24))
        .order_by(CounterLog.counter_id, CounterLog.at, CounterLog.id)).all()
    last_change = {cid: at for cid, at, _ in log if business_day(at) == today}
    had_break = {b.counter_id for b in pauses_from_log(log) if b.day == today}
    codes = {s.id: s.code for s in office.services}
    states = []
    for c in working:
        usual = breaks.get(c.id)
        paused_since = None
        if c.state == "paused":
            paused_since = hour_of_day(last_change.get(c.id, now))
        plan = expected_breaks(usual, hour_of_day(now), paused_since, c.id in had_break)
        if plan is None:
            continue
        free_in, break_in = plan
        step = busy.get(c.id)
        states.append(CounterState(
            c.id, tuple(c.service_codes), c.policy, free_in_min=free_in,
            busy_service=codes.get(step.service_id) if step else None,
            busy_elapsed_min=max(0.0, _minutes(now, step.called_at)) if step and step.called_at
            else 0.0,
            busy_order_at=step.order_at if step else None,
            busy_priority=bool(step and step.priority),
            break_in_min=break_in, break_min=usual.minutes if usual else 60.0))
    return states


def _cache_key(session: Session, office: Office) -> tuple:
    return (str(session.get_bind().url), office.id)


class _Flight:
    """One computation of an office's estimate that requests arriving meanwhile wait for."""

    def __init__(self, generation: int, now: datetime):
        self.generation = generation  # of the queue it read (forget_estimate counts changes)
        self.now = now  # the moment it estimates from
        self.done = threading.Event()
        self.result: QueueEstimate | None = None


_FLIGHT_WAIT_S = 30.0


def forget_estimate(office: Office) -> None:
    """Drop the remembered estimate of ``office`` (its queue just changed); a computation
    running now will not be remembered either, as it may have read the queue before the change."""
    if has_app_context():
        g.setdefault("junban_estimates", {}).pop(office.id, None)
    cache, generations = _cache("estimate"), _cache("estimate_generation")
    with _lock:
        for key in [k for k in cache if k[1] == office.id]:
            del cache[key]
        generations[office.id] = generations.get(office.id, 0) + 1


def estimate_office(session: Session, office: Office, now: datetime, *,
                    earlier_queue_ok: bool = False) -> QueueEstimate:
    """The office's estimate, computed once per queue change (see forget_estimate) and at most
    ``_ESTIMATE_TTL_S`` old, so changes made by other processes show within seconds.

    One computation at a time per office: requests that need the estimate while it is being
    computed (sixteen kiosks issuing at once, the status pages, the push task) wait for that
    computation instead of each replaying the same queue, if it read the queue as it is now.
    With ``earlier_queue_ok`` (a new ticket's estimate) they also wait for one that started
    before the latest change: it read the queue at most one replay before they arrived, and
    tickets being issued at the same moment are missing from every such estimate anyway.
    """
    memo = g.setdefault("junban_estimates", {}) if has_app_context() else {}
    seen = memo.get(office.id)
    if seen is not None and seen[0] == now:
        return seen[1]
    key = _cache_key(session, office)
    cache, flights = _cache("estimate"), _cache("estimate_flights")
    generations = _cache("estimate_generation")
    with _lock:
        hit = cache.get(key)
        fresh = (hit and 0 <= _time.monotonic() - hit[0] < _ESTIMATE_TTL_S
                 and abs((now - hit[2]).total_seconds()) < _ESTIMATE_TTL_S)
        generation = generations.get(office.id, 0)
        flight = None if fresh else flights.get(key)
        if flight is not None and (
                abs((now - flight.now).total_seconds()) >= _ESTIMATE_TTL_S
                or (flight.generation != generation and not earlier_queue_ok)):
            flight = None
        leader = not fresh and flight is None
        if leader:
            flight = flights[key] = _Flight(generation, now)
    if fresh:
        result = hit[1]
    elif leader:
        try:
            result = flight.result = compute_estimate(session, office, now)
            with _lock:
                if generations.get(office.id, 0) == generation:
                    cache[key] = (_time.monotonic(), result, now)
        finally:
            with _lock:
                if flights.get(key) is flight:
                    del flights[key]
            flight.done.set()
    else:
        flight.done.wait(_FLIGHT_WAIT_S)
        result = flight.result
        if result is None:  # the computation failed or hung: compute here
            result = compute_estimate(session, office, now)
    memo[office.id] = (now, result)
    return result


def _replay_inputs(session: Session, office: Office, now: datetime
                   ) -> tuple[list[Candidate], list[CounterState], dict[str, ServiceModel]]:
    """What the replay needs: today's waiting steps, the counters, the learned models."""
    waiting = waiting_candidates(session, office, now)
    models, breaks = learned(session, office, now)
    return waiting, counter_states(session, office, now, breaks), models


def compute_estimate(session: Session, office: Office, now: datetime) -> QueueEstimate:
    """Estimates for every waiting step of the office and for a new ticket of each service."""
    waiting, counters, models = _replay_inputs(session, office, now)
    return estimate_queue(now, waiting, counters, models,
                          {s.code: s.target_minutes for s in office.services},
                          office.priority_lead_minutes, issue_until=_issue_until(office, now))


def estimate_new_ticket(session: Session, office: Office, service: Service, priority: bool,
                        now: datetime) -> Estimate | None:
    """The wait a ticket issued now would have: the queue as it is plus this one ticket.

    A normal ticket takes the office estimate's new-ticket figure (the same replay, already
    computed for the kiosk and the status page); a priority ticket is replayed on its own.
    Computed before the issuing transaction takes the write lock, so that the lock is held for
    the number and the insert only.
    """
    if not priority:
        return estimate_office(session, office, now, earlier_queue_ok=True
                               ).new_ticket.get(service.code)
    waiting, counters, models = _replay_inputs(session, office, now)
    probe = Candidate(NEW_TICKET_ID, service.code, now, now, priority, service.target_minutes,
                      1 << 62)
    result = estimate_queue(now, [*waiting, probe], counters, models, {},
                            office.priority_lead_minutes, issue_until=_issue_until(office, now))
    return result.steps.get(NEW_TICKET_ID)


def _issue_until(office: Office, now: datetime) -> datetime:
    """Today's issuing cut-off: no ticket arrives after it."""
    return datetime.combine(business_day(now), office.issue_until, TOKYO)
