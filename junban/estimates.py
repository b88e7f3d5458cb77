"""Feeding the core estimator from the database: the live queue, open counters, learned times."""

import threading
import time as _time
from datetime import datetime, timedelta

from flask import g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.businessday import business_day
from core.estimate import (
    NEW_TICKET_ID,
    CounterState,
    Estimate,
    QueueEstimate,
    ServiceModel,
    estimate_queue,
)
from core.policy import Candidate
from junban.models import Office, Service, Step

HISTORY_DAYS = 60
_MODEL_TTL_S = 300.0
_models_cache: dict[tuple[str, int], tuple[float, dict[str, ServiceModel]]] = {}
_cache_lock = threading.Lock()


def candidate(step: Step, service: Service) -> Candidate:
    """A waiting step as the calling policy sees it."""
    return Candidate(step.id, service.code, step.order_at, step.queued_at, step.priority,
                     service.target_minutes, step.ticket_id)


def waiting_steps(session: Session, office: Office, now: datetime) -> list[Step]:
    """Today's waiting steps of ``office``."""
    return list(session.scalars(
        select(Step).options(joinedload(Step.ticket))
        .where(Step.office_id == office.id, Step.business_day == business_day(now),
               Step.state == "waiting").order_by(Step.order_at, Step.id)))


def _learn(session: Session, office: Office, now: datetime) -> dict[str, ServiceModel]:
    since = business_day(now) - timedelta(days=HISTORY_DAYS)
    rows = session.execute(
        select(Step.service_id, Step.started_at, Step.ended_at)
        .where(Step.office_id == office.id, Step.business_day >= since, Step.state == "done",
               Step.started_at.is_not(None), Step.ended_at.is_not(None))
    ).all()
    samples: dict[int, list[float]] = {}
    for service_id, started, ended in rows:
        samples.setdefault(service_id, []).append((ended - started).total_seconds() / 60.0)
    models = {}
    for service in office.services:
        xs = samples.get(service.id, [])
        prior, weight = service.default_service_minutes, 20.0
        mean = (sum(xs) + prior * weight) / (len(xs) + weight)
        if len(xs) > 1:
            m = sum(xs) / len(xs)
            sd = (sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5
            spread = min(0.9, max(0.15, sd / max(m, 0.1)))
        else:
            spread = 0.5
        models[service.code] = ServiceModel(mean_min=mean, spread=spread)
    return models


def service_models(session: Session, office: Office, now: datetime) -> dict[str, ServiceModel]:
    """Service-time models learned from the office's finished steps (cached for 5 minutes)."""
    key = (str(session.get_bind().url), office.id)
    with _cache_lock:
        hit = _models_cache.get(key)
        if hit and _time.monotonic() - hit[0] < _MODEL_TTL_S:
            return hit[1]
    models = _learn(session, office, now)
    with _cache_lock:
        _models_cache[key] = (_time.monotonic(), models)
    return models


def counter_states(session: Session, office: Office, now: datetime,
                   models: dict[str, ServiceModel]) -> list[CounterState]:
    """Open counters (all counters when none is open yet) and when each becomes free."""
    counters = [c for c in office.counters if c.state == "open"] or list(office.counters)
    busy = {
        s.counter_id: s for s in session.scalars(
            select(Step).where(Step.office_id == office.id,
                               Step.business_day == business_day(now),
                               Step.state.in_(("called", "serving"))))
    }
    codes = {s.id: s.code for s in office.services}
    states = []
    for c in counters:
        free_in = 0.0
        step = busy.get(c.id)
        if step is not None:
            mean = models.get(codes[step.service_id], ServiceModel()).mean_min
            elapsed = (now - (step.started_at or step.called_at or now)).total_seconds() / 60
            free_in = max(mean * 0.25, mean - elapsed)
        states.append(CounterState(c.id, tuple(c.service_codes), c.policy, free_in))
    return states


def forget_estimate(office: Office) -> None:
    """Drop the request's remembered estimate of ``office`` (its queue just changed)."""
    if has_app_context():
        g.setdefault("junban_estimates", {}).pop(office.id, None)


def estimate_office(session: Session, office: Office, now: datetime) -> QueueEstimate:
    """The office's estimate, computed once per request and queue change (see forget_estimate)."""
    memo = g.setdefault("junban_estimates", {}) if has_app_context() else {}
    if office.id not in memo:
        memo[office.id] = compute_estimate(session, office, now)
    return memo[office.id]


def compute_estimate(session: Session, office: Office, now: datetime) -> QueueEstimate:
    """Estimates for every waiting step of the office and for a new ticket of each service."""
    services = {s.id: s for s in office.services}
    steps = waiting_steps(session, office, now)
    models = service_models(session, office, now)
    return estimate_queue(
        now,
        [candidate(s, services[s.service_id]) for s in steps],
        counter_states(session, office, now, models),
        models,
        {s.code: s.target_minutes for s in office.services},
        office.priority_lead_minutes,
    )


def estimate_new_ticket(session: Session, office: Office, service: Service, priority: bool,
                        now: datetime) -> Estimate | None:
    """The wait a ticket issued now would have: the queue as it is plus this one ticket.

    Computed before the issuing transaction takes the write lock, so that the lock is held for
    the number and the insert only.
    """
    services = {s.id: s for s in office.services}
    steps = waiting_steps(session, office, now)
    models = service_models(session, office, now)
    probe = Candidate(NEW_TICKET_ID, service.code, now, now, priority, service.target_minutes,
                      1 << 62)
    result = estimate_queue(
        now, [*(candidate(s, services[s.service_id]) for s in steps), probe],
        counter_states(session, office, now, models), models, {}, office.priority_lead_minutes)
    return result.steps.get(NEW_TICKET_ID)
