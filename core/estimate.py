"""Wait-time estimate (SPEC §4): when will each waiting step be called, and what wait would a
new ticket of each service have now.

The queue is replayed many times (Monte Carlo) with the real calling policy: each open counter
becomes free when its current step ends — drawn from the service's learned lognormal time given
the time it has already taken — and calls what its policy would call. Every call may be a
no-show (the counter loses a minute or two), every finished step may be sent on to the next
service of its chain (it keeps its ticket's place), and priority tickets (and, for counters that
rank services, arrivals of a higher-ranked service) arrive at their learned rate and go ahead.
The estimate is the median of the replays; the range their 10th–90th percentile.
"""

import heapq
import math
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import NormalDist

from core.businessday import BUSY_SEASON, Season, business_day, hour_of_day, is_busy_season
from core.policy import DEFAULT_PRIORITY_LEAD_MIN, Candidate, choose_next, queue_order

NEW_TICKET_ID = -1
_PROBE_BASE = -1_000_000  # ids of the phantom new tickets, one per service
HORIZON_MIN = 720.0  # a step not called within this is reported at the horizon
_NORMAL = NormalDist()


@dataclass(frozen=True)
class ServiceModel:
    """What the estimator knows of one service at this time of day.

    ``mean_min`` and ``spread`` (coefficient of variation) describe the lognormal time a step
    occupies its counter, from call to end.
    """

    mean_min: float = 8.0
    spread: float = 0.35
    no_show: float = 0.0  # share of calls nobody answers
    no_show_min: float = 2.0  # counter time lost on one
    transfers: tuple[tuple[str, float], ...] = ()  # (next service, probability)
    priority_per_min: float = 0.0  # priority tickets arriving per minute
    arrivals_per_min: float = 0.0  # normal tickets arriving per minute
    target_min: float = 30.0  # the service's target wait (for counters under ``sla``)

    @property
    def log_params(self) -> tuple[float, float]:
        """(mu, sigma) of the lognormal with this mean and coefficient of variation."""
        s2 = math.log1p(self.spread * self.spread)
        return math.log(max(self.mean_min, 1e-3)) - s2 / 2, math.sqrt(s2)


@dataclass(frozen=True)
class CounterState:
    """An open counter: its services (in order), policy, and what it is doing now."""

    counter_id: int
    services: tuple[str, ...]
    policy: str = "oldest"
    free_in_min: float = 0.0  # known minutes until free (a break's end; 0: free now)
    busy_service: str | None = None  # the step it serves: its end is drawn given the elapsed
    busy_elapsed_min: float = 0.0
    busy_order_at: datetime | None = None  # that step's place, kept if it is sent on
    busy_priority: bool = False
    break_in_min: float | None = None  # a break due: taken when next free after this
    break_min: float = 60.0


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


@dataclass(frozen=True)
class Quantiles:
    """Replayed minutes until called: median and the 80 % range, unrounded."""

    median: float
    low: float
    high: float
    mean: float

    def rounded(self) -> Estimate:
        low, high = math.floor(self.low + 1e-6), math.ceil(self.high - 1e-6)
        m = min(max(round(self.median), low), high)
        return Estimate(m, low, high)


def _quantiles(xs: list[float]) -> Quantiles:
    xs.sort()
    n = len(xs)

    def q(p: float) -> float:
        pos = p * (n - 1)
        i = int(pos)
        j = min(i + 1, n - 1)
        return xs[i] + (xs[j] - xs[i]) * (pos - i)

    return Quantiles(q(0.5), q(0.1), q(0.9), sum(xs) / n)


@dataclass
class _Plan:
    """Everything a replay needs, prepared once per estimate."""

    now: datetime
    lead: float
    counters: list[CounterState]
    orders: list[list[Candidate] | None]  # static calling order per counter (None: sla)
    served: list[frozenset[str]]
    targets: list[Candidate]
    probes: frozenset[int]
    logn: dict[str, tuple[float, float]]
    models: Mapping[str, ServiceModel]
    arrivals: list[tuple[str, bool]] = field(default_factory=list)  # (service, priority)
    weights: list[float] = field(default_factory=list)
    rate: float = 0.0
    arrivals_end: float = math.inf  # minutes from now: issuing stops (no arrivals after)


def _plan(now, waiting, counters, models, probes, lead) -> _Plan:
    served = [frozenset(c.services) for c in counters]
    reachable = frozenset().union(*served) if served else frozenset()
    targets = [c for c in (*waiting, *probes) if c.service in reachable]
    orders = [None if c.policy == "sla" else queue_order(targets, c.services, c.policy, now, lead)
              for c in counters]
    codes = set(models) | {c.service for c in targets}
    logn = {code: models.get(code, ServiceModel()).log_params for code in codes}
    plan = _Plan(now, lead, list(counters), orders, served, targets,
                 frozenset(p.step_id for p in probes), logn, models)
    # Arrivals that can go ahead of waiting steps: priority tickets of every service, and
    # normal tickets of a service some counter ranks before another one it serves.
    ranked = {code for c in counters if c.policy == "ordered" for code in c.services[:-1]}
    for code, m in models.items():
        if code not in reachable:
            continue
        if m.priority_per_min > 0:
            plan.arrivals.append((code, True))
            plan.weights.append(m.priority_per_min)
        if code in ranked and m.arrivals_per_min > 0:
            plan.arrivals.append((code, False))
            plan.weights.append(m.arrivals_per_min)
    plan.rate = sum(plan.weights)
    return plan


def _remaining(rng: random.Random, model: tuple[float, float], elapsed: float) -> float:
    """Minutes still to go for a step that has already taken ``elapsed`` minutes."""
    mu, sigma = model
    if sigma <= 0:
        return max(0.0, math.exp(mu) - elapsed)
    if elapsed <= 0:
        return rng.lognormvariate(mu, sigma)
    z = (math.log(elapsed) - mu) / sigma
    tail = _NORMAL.cdf(-z)  # P(time > elapsed), kept precise far into the tail
    if tail <= 0.0:  # beyond double precision: the lognormal's mean residual, x·σ/z
        return elapsed * sigma / z
    p = tail * (1.0 - rng.random())  # uniform in (0, tail]: the draw's own tail probability
    return max(0.0, math.exp(mu - sigma * _NORMAL.inv_cdf(p)) - elapsed)


class _Replay:
    """One replay of the queue: counters in a heap by the time they become free."""

    def __init__(self, plan: _Plan, rng: random.Random):
        self.p, self.rng = plan, rng
        self.left = {c.step_id for c in plan.targets}
        self.cursor = [0] * len(plan.counters)
        self.dyn: list[Candidate] = []  # steps that arrived during the replay, not yet called
        self.pending: list[tuple[float, int, Candidate]] = []  # sent-on steps, by arrival
        self.next_id = -2_000_000
        self.next_arrival = rng.expovariate(plan.rate) if plan.rate > 0 else math.inf
        if self.next_arrival > plan.arrivals_end:
            self.next_arrival = math.inf
        self.breaks = [c.break_in_min for c in plan.counters]
        self.called: dict[int, float] = {}

    def run(self) -> dict[int, float]:
        p = self.p
        heap = []
        for i, c in enumerate(p.counters):
            t = max(0.0, c.free_in_min)
            if c.busy_service is not None:
                t += _remaining(self.rng, p.logn.get(c.busy_service, (2.0, 0.4)),
                                c.busy_elapsed_min)
                if c.busy_order_at is not None:
                    self._send_on(c.busy_service, c.busy_order_at, c.busy_priority, t)
            heap.append((t, i))
        heapq.heapify(heap)
        while heap and self.left:
            t, i = heapq.heappop(heap)
            if t > HORIZON_MIN:
                break
            nt = self._step(t, i)
            if nt is not None:
                heapq.heappush(heap, (nt, i))
        return self.called

    def _admit(self, t: float) -> None:
        p = self.p
        while self.next_arrival <= t:
            code, prio = self.rng.choices(p.arrivals, weights=p.weights)[0]
            at = p.now + timedelta(minutes=self.next_arrival)
            m = p.models.get(code, ServiceModel())
            self.next_id -= 1
            self.dyn.append(Candidate(self.next_id, code, at, at, prio, m.target_min, 1 << 62))
            self.next_arrival += self.rng.expovariate(p.rate)
            if self.next_arrival > p.arrivals_end:
                self.next_arrival = math.inf
        while self.pending and self.pending[0][0] <= t:
            self.dyn.append(heapq.heappop(self.pending)[2])

    def _step(self, t: float, i: int) -> float | None:
        """Counter ``i`` is free at ``t``: it calls; returns when it is free again."""
        brk = self.breaks[i]
        if brk is not None and t >= brk:
            self.breaks[i] = None
            return t + self.p.counters[i].break_min
        self._admit(t)
        pick = self._choose(t, i)
        if pick is None:  # idle until something arrives that it might call
            nxt = min(self.next_arrival, self.pending[0][0] if self.pending else math.inf)
            return None if nxt == math.inf else nxt
        sid = pick.step_id
        if sid in self.left:
            self.left.discard(sid)
            self.called[sid] = t
            if sid in self.p.probes:
                return t  # a phantom new ticket: it only asks when it would be called
        else:
            self.dyn.remove(pick)
        return t + self._serve(pick, t)

    def _choose(self, t: float, i: int) -> Candidate | None:
        p = self.p
        c = p.counters[i]
        order = p.orders[i]
        served = p.served[i]
        extra = [d for d in self.dyn if d.service in served]
        if order is None:
            pool = [x for x in p.targets if x.step_id in self.left and x.service in served]
            pool += extra
        else:
            j = self.cursor[i]
            while j < len(order) and order[j].step_id not in self.left:
                j += 1
            self.cursor[i] = j
            head = order[j] if j < len(order) else None
            if not extra:
                return head
            pool = [head, *extra] if head is not None else extra
        return choose_next(pool, c.services, c.policy, p.now + timedelta(minutes=t), p.lead)

    def _serve(self, pick: Candidate, t: float) -> float:
        """Minutes the counter spends on ``pick``; a step sent on joins the pending arrivals."""
        m = self.p.models.get(pick.service, ServiceModel())
        rng = self.rng
        if m.no_show > 0 and rng.random() < m.no_show:
            return m.no_show_min
        mu, sigma = self.p.logn.get(pick.service) or m.log_params
        d = rng.lognormvariate(mu, sigma) if sigma > 0 else math.exp(mu)
        self._send_on(pick.service, pick.order_at, pick.priority, t + d)
        return d

    def _send_on(self, service: str, order_at: datetime, priority: bool, at: float) -> None:
        m = self.p.models.get(service)
        if m is None or not m.transfers:
            return
        r = self.rng.random()
        for code, prob in m.transfers:
            if r < prob:
                nm = self.p.models.get(code, ServiceModel())
                self.next_id -= 1
                queued = self.p.now + timedelta(minutes=at)
                cand = Candidate(self.next_id, code, order_at, queued, priority, nm.target_min, 0)
                heapq.heappush(self.pending, (at, self.next_id, cand))
                return
            r -= prob


def default_runs(queue_length: int) -> int:
    """Replays per estimate: more for short queues, fewer for long ones (time ~ runs × length)."""
    return max(40, min(200, 8000 // (queue_length + 20)))


def replay_quantiles(
    now: datetime,
    waiting: Sequence[Candidate],
    counters: Sequence[CounterState],
    models: Mapping[str, ServiceModel],
    probes: Sequence[Candidate] = (),
    priority_lead_minutes: float = DEFAULT_PRIORITY_LEAD_MIN,
    runs: int | None = None,
    seed: int = 0,
    issue_until: datetime | None = None,
) -> dict[int, Quantiles]:
    """Minutes until each waiting step (and each probe) is called, over many replays.

    ``issue_until``: no tickets arrive after it (today's issuing cut-off).
    """
    plan = _plan(now, waiting, counters, models, probes, priority_lead_minutes)
    if issue_until is not None:
        plan.arrivals_end = max(0.0, (issue_until - now).total_seconds() / 60)
    if not plan.targets or not counters:
        return {}
    rng = random.Random(seed)
    runs = runs or default_runs(len(plan.targets))
    samples: dict[int, list[float]] = {c.step_id: [] for c in plan.targets}
    for _ in range(runs):
        called = _Replay(plan, rng).run()
        for sid, xs in samples.items():
            xs.append(called.get(sid, HORIZON_MIN))
    return {sid: _quantiles(xs) for sid, xs in samples.items()}


def estimate_queue(
    now: datetime,
    waiting: Sequence[Candidate],
    counters: Sequence[CounterState],
    models: Mapping[str, ServiceModel],
    services: Mapping[str, float],
    priority_lead_minutes: float = DEFAULT_PRIORITY_LEAD_MIN,
    runs: int | None = None,
    issue_until: datetime | None = None,
) -> QueueEstimate:
    """Estimate every waiting step and a new ticket per service (``services``: code → target).

    A step whose median reaches the replay horizon gets no estimate: it may not be called
    at all with the counters open now, and a number of hours would mislead."""
    probes = {}
    for k, (code, target) in enumerate(sorted(services.items())):
        probes[_PROBE_BASE - k] = (code, Candidate(_PROBE_BASE - k, code, now, now, False,
                                                   target, 1 << 62))
    q = replay_quantiles(now, waiting, counters, models, [c for _, c in probes.values()],
                         priority_lead_minutes, runs, issue_until=issue_until)
    q = {sid: x for sid, x in q.items() if x.median < HORIZON_MIN}
    steps = {c.step_id: q[c.step_id].rounded() for c in waiting if c.step_id in q}
    new_ticket = {code: q[pid].rounded() for pid, (code, _) in probes.items() if pid in q}
    return QueueEstimate(steps, new_ticket)


# --- learning from history ---------------------------------------------------------------------


@dataclass(frozen=True)
class StepSample:
    """A past step as the learner needs it (from the event log or the simulator)."""

    service: str
    day: date
    hour: float  # local hour of day when it was queued (e.g. 9.5)
    state: str  # done, transferred, no_show, cancelled, …
    first: bool  # the ticket's first step: an arrival
    priority: bool
    busy_min: float | None  # counter time, from call to end
    next_service: str | None = None  # where a transferred step went


def _lognormal_fit(xs: Sequence[float]) -> tuple[float, float] | None:
    """Mean and coefficient of variation of the lognormal fitted to ``xs`` (log moments)."""
    logs = [math.log(max(x, 0.05)) for x in xs]
    n = len(logs)
    if n < 2:
        return None
    mu = sum(logs) / n
    var = sum((v - mu) ** 2 for v in logs) / (n - 1)
    return math.exp(mu + var / 2), math.sqrt(math.expm1(var))


def learn_models(
    samples: Iterable[StepSample],
    hour: float,
    defaults: Mapping[str, float],
    prior_weight: float = 10.0,
) -> dict[str, ServiceModel]:
    """Service models for ``hour`` of the day from past steps.

    Service times are fitted per service on the steps queued within ±1.5 h of ``hour`` and
    shrunk towards the whole day's fit and, with little history, towards ``defaults``
    (code → minutes). Rates are per open day in the history, over the same hours.
    """
    by_service: dict[str, list[StepSample]] = {code: [] for code in defaults}
    days = set()
    for s in samples:
        by_service.setdefault(s.service, []).append(s)
        days.add(s.day)
    ndays = max(1, len(days))
    return {code: _learn_one(code, xs, hour, defaults.get(code, 8.0), prior_weight, ndays)
            for code, xs in by_service.items()}


def _learn_one(code: str, xs: list[StepSample], hour: float, default: float,
               prior_weight: float, ndays: int) -> ServiceModel:
    near = [s for s in xs if abs(s.hour - hour) <= 1.5]
    times_all = [s.busy_min for s in xs if s.state in ("done", "transferred") and s.busy_min]
    times_near = [s.busy_min for s in near if s.state in ("done", "transferred") and s.busy_min]
    mean, cv = default, 0.5
    fit_all = _lognormal_fit(times_all)
    if fit_all:
        w = len(times_all)
        mean = (fit_all[0] * w + default * prior_weight) / (w + prior_weight)
        cv = (fit_all[1] * w + 0.5 * prior_weight) / (w + prior_weight)
    fit_near = _lognormal_fit(times_near)
    if fit_near:
        w = len(times_near)
        mean = (fit_near[0] * w + mean * prior_weight * 3) / (w + prior_weight * 3)
        cv = (fit_near[1] * w + cv * prior_weight * 3) / (w + prior_weight * 3)
    called = [s for s in xs if s.state in ("done", "transferred", "no_show")]
    absent = [s for s in called if s.state == "no_show"]
    no_show = (len(absent) + 0.5) / (len(called) + 20)
    absent_min = [s.busy_min for s in absent if s.busy_min]
    no_show_min = sum(absent_min) / len(absent_min) if absent_min else 2.0
    ended = [s for s in xs if s.state in ("done", "transferred")]
    sent: dict[str, int] = {}
    for s in ended:
        if s.state == "transferred" and s.next_service:
            sent[s.next_service] = sent.get(s.next_service, 0) + 1
    transfers = tuple((k, v / len(ended)) for k, v in sorted(sent.items()) if ended)
    window = 3.0 * 60 * ndays  # minutes of history in the ±1.5 h window
    arrivals = [s for s in near if s.first]
    prio = sum(1 for s in arrivals if s.priority)
    return ServiceModel(mean, cv, no_show, no_show_min, transfers, prio / window,
                        (len(arrivals) - prio) / window)


# --- counters' breaks --------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakSample:
    """A past pause of a counter during opening hours (from the counter log or the simulator)."""

    counter_id: int
    day: date
    start_hour: float  # local hour of day it began (e.g. 12.0)
    minutes: float


@dataclass(frozen=True)
class UsualBreak:
    """The break a counter takes on most days: when it usually begins and how long it lasts."""

    start_hour: float
    minutes: float


MIN_SEASON_DAYS = 5  # fewer history days of today's season than this: learn from all days


def similar_days(days: Iterable[date], today: date,
                 seasons: Collection[Season] = (BUSY_SEASON,)) -> list[date]:
    """History days of today's season (busy or not), or all of them when there are too few."""
    days = list(days)
    busy = is_busy_season(today, seasons)
    same = [d for d in days if is_busy_season(d, seasons) == busy]
    return same if len(same) >= MIN_SEASON_DAYS else days


def _median(xs: Sequence[float]) -> float:
    ys = sorted(xs)
    n = len(ys)
    return ys[n // 2] if n % 2 else (ys[n // 2 - 1] + ys[n // 2]) / 2


def pauses_from_log(log: Iterable[tuple[int, datetime, str]]) -> list[BreakSample]:
    """Breaks in a counter log ((counter, at, state) rows ordered by counter then time): a
    counter paused or closed after it had opened that day, and open again the same day."""
    out = []
    away: tuple[int, datetime] | None = None
    seen_open: set[tuple[int, date]] = set()
    for cid, at, state in log:
        day = business_day(at)
        if state == "open":
            if (away is not None and away[0] == cid and business_day(away[1]) == day
                    and (cid, day) in seen_open):
                out.append(BreakSample(cid, day, hour_of_day(away[1]),
                                       (at - away[1]).total_seconds() / 60))
            seen_open.add((cid, day))
            away = None
        elif away is None or away[0] != cid:
            away = (cid, at)
    return out


def learn_breaks(samples: Iterable[BreakSample],
                 worked: Mapping[int, int]) -> dict[int, UsualBreak]:
    """Each counter's usual break, if it paused on at least half of the days it worked
    (``worked``: counter → open days in the history).

    Only a day's first pause counts (the lunch break); its start and length are the medians
    over the days it was taken.
    """
    first: dict[tuple[int, date], BreakSample] = {}
    for s in samples:
        key = (s.counter_id, s.day)
        if key not in first or s.start_hour < first[key].start_hour:
            first[key] = s
    by_counter: dict[int, list[BreakSample]] = {}
    for s in first.values():
        by_counter.setdefault(s.counter_id, []).append(s)
    return {cid: UsualBreak(_median([s.start_hour for s in xs]), _median([s.minutes for s in xs]))
            for cid, xs in by_counter.items() if len(xs) * 2 >= max(1, worked.get(cid, 0))}


def expected_breaks(usual: UsualBreak | None, now_hour: float, paused_since_hour: float | None,
                    had_break: bool) -> tuple[float, float | None] | None:
    """What the replay should assume of a counter's breaks: (free in, break due in) minutes.

    A paused counter comes back when its usual break would end (None when it has no usual break:
    it is left out, nobody knows when it returns). An open counter that has not had its usual
    break yet takes it when it is next free after the usual start.
    """
    if paused_since_hour is not None:
        if usual is None:
            return None
        return max(1.0, usual.minutes - (now_hour - paused_since_hour) * 60), None
    if usual is None or had_break or now_hour > usual.start_hour + usual.minutes / 60:
        return 0.0, None
    return 0.0, (usual.start_hour - now_hour) * 60
