"""Which waiting step a counter calls next (SPEC §2.3).

Three policies, one function:

* ``oldest`` (default) — the step whose ticket was issued first among the counter's services.
* ``ordered`` — the counter's services in the counter's own order; within a service, oldest first.
* ``sla`` — the step whose wait is the largest fraction of its service's target wait.

Priority tickets (優先) are called before normal ones, with an anti-starvation bound: a priority
step counts as if its ticket had been issued ``priority_lead`` minutes earlier than it was. A
normal ticket is therefore passed over only by priority tickets issued less than
``priority_lead`` minutes after it — never indefinitely. Under ``sla`` the same lead is added to
the priority step's elapsed wait, so the bound scales with the targets: a normal step with
target T_n that has waited longer than ``priority_lead`` × T_n / T_p is no longer passed by a new
priority step of target T_p. Under ``ordered`` the bound holds within a service; a later service
of the counter waits, by design, while an earlier one has steps (other counters serve it).

Steps transferred from another service keep their ticket's issue time as their place in the
queue (``order_at``), so they go ahead of tickets issued after them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

DEFAULT_PRIORITY_LEAD_MIN = 60.0


class Policy(StrEnum):
    OLDEST = "oldest"
    ORDERED = "ordered"
    SLA = "sla"


@dataclass(frozen=True)
class Candidate:
    """A waiting step as the policy sees it: plain values, no database rows."""

    step_id: int
    service: str
    order_at: datetime  # the ticket's place in the queue (its issue time)
    waiting_since: datetime  # when this step started waiting (for the target fraction)
    priority: bool = False
    target_minutes: float = 30.0
    sequence: int = 0  # tie-breaker: issue order (ticket number or id)


def _effective_order(c: Candidate, lead: timedelta) -> datetime:
    return c.order_at - lead if c.priority else c.order_at


def _oldest_key(lead: timedelta):
    return lambda c: (_effective_order(c, lead), c.sequence, c.step_id)


def choose_next(
    candidates: Iterable[Candidate],
    services: Sequence[str],
    policy: Policy | str,
    now: datetime,
    priority_lead_minutes: float = DEFAULT_PRIORITY_LEAD_MIN,
) -> Candidate | None:
    """Return the step a counter serving ``services`` (in its order) calls next, or None."""
    served = set(services)
    pool = [c for c in candidates if c.service in served]
    if not pool:
        return None
    return min(pool, key=_static_key(services, Policy(policy), now, priority_lead_minutes))


def _static_key(services: Sequence[str], policy: Policy, now: datetime, lead_min: float):
    """The sort key under which ``choose_next`` at a fixed ``now`` always takes the minimum."""
    lead = timedelta(minutes=lead_min)
    oldest = _oldest_key(lead)
    if policy is Policy.OLDEST:
        return oldest
    if policy is Policy.ORDERED:
        rank = {code: i for i, code in enumerate(services)}
        return lambda c: (rank[c.service], *oldest(c))

    def sla_key(c: Candidate):
        waited = (now - c.waiting_since).total_seconds() / 60.0
        if c.priority:
            waited += lead_min
        return (-(waited / max(c.target_minutes, 1e-6)), *oldest(c))

    return sla_key


def queue_order(
    candidates: Iterable[Candidate],
    services: Sequence[str],
    policy: Policy | str,
    now: datetime,
    priority_lead_minutes: float = DEFAULT_PRIORITY_LEAD_MIN,
) -> list[Candidate]:
    """The order in which the counter would call ``candidates`` if nobody else arrived.

    At a fixed ``now`` every policy picks the minimum of one key, so the order is a sort.
    """
    served = set(services)
    pool = [c for c in candidates if c.service in served]
    return sorted(pool, key=_static_key(services, Policy(policy), now, priority_lead_minutes))
