"""Wait-time estimate (SPEC §4): when will each waiting step be called, and what wait would a
new ticket of each service have now.

This first version replays the queue deterministically with the real calling policy: counters
become free when their current step is expected to end, each free counter calls what its policy
would call, and every service takes its mean service time. The range is widened by the spread
of service times. A learned, history-based estimator replaces the service model (issue #4).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.policy import DEFAULT_PRIORITY_LEAD_MIN, Candidate, choose_next, queue_order


@dataclass(frozen=True)
class ServiceModel:
    """What the estimator knows of one service: service time in minutes."""

    mean_min: float = 8.0
    spread: float = 0.35  # relative half-width of the range (≈ coefficient of variation)


@dataclass(frozen=True)
class CounterState:
    """An open counter: the services it serves (in order), its policy, when it becomes free."""

    counter_id: int
    services: tuple[str, ...]
    policy: str = "oldest"
    free_in_min: float = 0.0  # expected minutes until its current step ends (0: free now)


@dataclass(frozen=True)
class Estimate:
    """Minutes until called, with a range; whole minutes as shown to residents."""

    minutes: int
    low: int
    high: int

    def as_dict(self) -> dict:
        return {"minutes": self.minutes, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class QueueEstimate:
    steps: dict[int, Estimate]
    new_ticket: dict[str, Estimate]


NEW_TICKET_ID = -1


def _range(minutes: float, spread: float) -> Estimate:
    low = max(0.0, minutes * (1 - spread))
    high = minutes * (1 + spread) + 1
    return Estimate(round(minutes), int(low), int(high + 0.999))


def replay(
    now: datetime,
    waiting: Sequence[Candidate],
    counters: Sequence[CounterState],
    models: Mapping[str, ServiceModel],
    priority_lead_minutes: float = DEFAULT_PRIORITY_LEAD_MIN,
) -> dict[int, float]:
    """Minutes until each waiting step is called when every service takes its mean time."""
    free_at = {c.counter_id: max(0.0, c.free_in_min) for c in counters}
    by_id = {c.counter_id: c for c in counters}
    remaining = {c.step_id for c in waiting}
    # Oldest and ordered keys do not move with time: each counter's calling order is one sort,
    # walked with a cursor. SLA keys do, so those counters choose among what is left each time.
    static = {c.counter_id: queue_order(waiting, c.services, c.policy, now, priority_lead_minutes)
              for c in counters if c.policy != "sla"}
    cursor = dict.fromkeys(static, 0)
    called: dict[int, float] = {}
    while remaining and free_at:
        # The counter that is free first calls next; counters with nothing to call drop out.
        cid = min(free_at, key=lambda k: (free_at[k], k))
        counter = by_id[cid]
        t = free_at[cid]
        nxt = None
        if cid in static:
            order, i = static[cid], cursor[cid]
            while i < len(order) and order[i].step_id not in remaining:
                i += 1
            cursor[cid] = i
            nxt = order[i] if i < len(order) else None
        else:
            nxt = choose_next([c for c in waiting if c.step_id in remaining], counter.services,
                              counter.policy, now + timedelta(minutes=t), priority_lead_minutes)
        if nxt is None:
            del free_at[cid]
            continue
        remaining.discard(nxt.step_id)
        called[nxt.step_id] = t
        free_at[cid] = t + models.get(nxt.service, ServiceModel()).mean_min
    return called


def estimate_queue(
    now: datetime,
    waiting: Sequence[Candidate],
    counters: Sequence[CounterState],
    models: Mapping[str, ServiceModel],
    services: Mapping[str, float],
    priority_lead_minutes: float = DEFAULT_PRIORITY_LEAD_MIN,
) -> QueueEstimate:
    """Estimate every waiting step and a new ticket per service (``services``: code → target)."""
    called = replay(now, waiting, counters, models, priority_lead_minutes)
    steps = {}
    for c in waiting:
        spread = models.get(c.service, ServiceModel()).spread
        steps[c.step_id] = _range(called[c.step_id], spread) if c.step_id in called else None
    new_ticket = {}
    for code, target in services.items():
        probe = Candidate(NEW_TICKET_ID, code, now, now, False, target, 1 << 62)
        t = replay(now, [*waiting, probe], counters, models, priority_lead_minutes)
        spread = models.get(code, ServiceModel()).spread
        new_ticket[code] = _range(t[NEW_TICKET_ID], spread) if NEW_TICKET_ID in t else None
    return QueueEstimate({k: v for k, v in steps.items() if v}, new_ticket)
