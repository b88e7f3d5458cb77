"""Estimate accuracy (SPEC §7, issue #4): naive, static-average, the product's and an oracle
estimator on simulated office days, normal and busy-season.

Each time a step is queued (a ticket issued or sent on to the next service) every estimator
predicts when it will be called; the simulation then tells when it was. The product learns its
service models from the 20 open days of simulated history before each day (the same learner as
``junban.estimates``) and sees only what the database would show: open counters, the steps
they serve and for how long. The oracle knows the simulator's true distributions and rates and
the exact state (counters on break and when their lunch is due) and replays the future many
times; it does not know the future. Estimators:

* naive — people ahead in the service × its learned mean time ÷ open counters serving it;
* static — people ahead in the service × 12 min ÷ open counters serving it (a fixed figure per
  ticket, as established products do);
* product — ``core.estimate`` (Monte-Carlo replay of the real calling policy);
* oracle — the same replay with the truth.
"""

import math
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from multiprocessing import get_context

from core.businessday import hour_of_day
from core.estimate import (
    BreakSample,
    CounterState,
    ServiceModel,
    StepSample,
    UsualBreak,
    default_runs,
    estimate_queue,
    expected_breaks,
    learn_breaks,
    learn_models,
    replay_quantiles,
    similar_days,
)
from core.policy import Candidate, queue_order
from core.simulator import (
    DEFAULT_OFFICE,
    NO_SHOW_WAIT_MIN,
    WALK_MIN,
    DayRecord,
    OfficeSpec,
    Snapshot,
    arrival_rate,
    open_days,
    simulate_day,
)

HISTORY_DAYS = 20
STATIC_MIN = 12.0
NORMAL_START = date(2026, 10, 1)
BUSY_START = date(2027, 3, 16)
ESTIMATORS = ("naive", "static", "product", "oracle")


def _samples(day: DayRecord) -> list[StepSample]:
    out = []
    firsts: set[int] = set()
    for s in day.steps:
        first = s.ticket_id not in firsts
        firsts.add(s.ticket_id)
        busy = ((s.ended_at - s.called_at).total_seconds() / 60
                if s.ended_at and s.called_at else None)
        q = s.queued_at
        sent = s.transfer_to if s.state == "transferred" else None
        out.append(StepSample(s.service, day.day, q.hour + q.minute / 60, s.state, first,
                              s.priority, busy, sent))
    return out


class _History:
    """Simulated days by date, and learned models per day and half hour."""

    def __init__(self, seed: int, office: OfficeSpec, load: float):
        self.seed, self.office, self.load = seed, office, load
        self.samples: dict[date, list[StepSample]] = {}
        self.breaks: dict[date, list[BreakSample]] = {}
        self.models: dict[tuple[date, int], dict[str, ServiceModel]] = {}
        self.usual: dict[date, dict[int, UsualBreak]] = {}
        self.counters: dict[date, list[int]] = {}

    def add(self, day: DayRecord) -> None:
        self.samples[day.day] = _samples(day)
        self.breaks[day.day] = [BreakSample(b.counter_id, day.day, hour_of_day(b.start), b.minutes)
                                for b in day.breaks]
        self.counters[day.day] = [c.counter_id for c in day.counters]

    def similar(self, day: date) -> list[date]:
        """The history days the product learns from: of the same season when there are enough."""
        return similar_days(self.warm(day), day)

    def usual_breaks(self, day: date) -> dict[int, UsualBreak]:
        """Each counter's usual break, learned from the history days' pauses."""
        if day not in self.usual:
            hist = self.similar(day)
            worked = Counter(c for d in hist for c in self.counters[d])
            self.usual[day] = learn_breaks([b for d in hist for b in self.breaks[d]], worked)
        return self.usual[day]

    def warm(self, day: date) -> list[date]:
        days = [d for d in open_days(day - timedelta(days=45), 45, self.office) if d < day]
        hist = days[-HISTORY_DAYS:]
        for d in hist:
            if d not in self.samples:
                self.add(simulate_day(d, self.seed, self.office, self.load))
        return hist

    def models_at(self, day: date, now: datetime) -> dict[str, ServiceModel]:
        slot = now.hour * 2 + now.minute // 30
        key = (day, slot)
        if key not in self.models:
            hist = self.similar(day)
            samples = [x for d in hist for x in self.samples[d]]
            defaults = {s.code: s.mean_min for s in self.office.services}
            learned = learn_models(samples, slot / 2 + 0.25, defaults)
            targets = {s.code: s.target_min for s in self.office.services}
            self.models[key] = {c: _with_target(m, targets.get(c, 30.0))
                                for c, m in learned.items()}
        return self.models[key]


def _with_target(m: ServiceModel, target: float) -> ServiceModel:
    return ServiceModel(m.mean_min, m.spread, m.no_show, m.no_show_min, m.transfers,
                        m.priority_per_min, m.arrivals_per_min, target)


def _minutes(a: datetime, b: datetime) -> float:
    return (a - b).total_seconds() / 60.0


def _product_counters(snap: Snapshot, usual: dict[int, UsualBreak]) -> list[CounterState]:
    """What the database shows: counters open or paused (since when), the step each is busy
    with, and whether each has had its break today; their usual breaks are learned."""
    out = []
    now_h = hour_of_day(snap.now)
    for v in snap.counters:
        u = usual.get(v.spec.counter_id)
        plan = expected_breaks(u, now_h, hour_of_day(v.break_from) if v.on_break else None,
                               v.had_break)
        if plan is None:
            continue
        free_in, break_in = plan
        st = v.step
        out.append(CounterState(
            v.spec.counter_id, v.spec.services, v.spec.policy, free_in_min=free_in,
            busy_service=st.service if st else None,
            busy_elapsed_min=_minutes(snap.now, st.called_at) if st else 0.0,
            busy_order_at=st.issued_at if st else None, busy_priority=bool(st and st.priority),
            break_in_min=break_in, break_min=u.minutes if u else 60.0))
    return out


def _oracle_counters(snap: Snapshot) -> list[CounterState]:
    """The exact state: breaks under way and lunches due too."""
    out = []
    for v in snap.counters:
        st = v.step
        brk = _minutes(v.lunch_from, snap.now) if v.lunch_from is not None else None
        out.append(CounterState(
            v.spec.counter_id, v.spec.services, v.spec.policy,
            free_in_min=_minutes(v.free_at, snap.now) if v.on_break else 0.0,
            busy_service=st.service if st else None,
            busy_elapsed_min=_minutes(snap.now, st.called_at) if st else 0.0,
            busy_order_at=st.issued_at if st else None, busy_priority=bool(st and st.priority),
            break_in_min=brk, break_min=v.lunch_min))
    return out


def _oracle_models(snap: Snapshot) -> dict[str, ServiceModel]:
    """The simulator's true distributions and rates at this instant."""
    office = snap.office
    minute = snap.now.hour * 60 + snap.now.minute
    walk_mean = sum(WALK_MIN) / 2
    walk_var = (WALK_MIN[1] - WALK_MIN[0]) ** 2 / 12
    models = {}
    for s in office.services:
        mean = s.mean_min * (s.busy_time if snap.busy_season else 1.0)
        sd = math.sqrt((mean * s.cv) ** 2 + walk_var)
        rate = arrival_rate(office, s, minute, snap.factor, snap.busy_season)
        models[s.code] = ServiceModel(
            mean + walk_mean, sd / (mean + walk_mean), s.no_show, NO_SHOW_WAIT_MIN,
            ((s.next_code, s.transfer_p),) if s.next_code else (), rate * s.priority,
            rate * (1 - s.priority), s.target_min)
    return models


def _ahead_estimates(snap: Snapshot, models: dict[str, ServiceModel]) -> dict[str, tuple]:
    """Naive and static: people ahead in the same service, spread over its open counters."""
    step = snap.step
    order = queue_order(snap.waiting, (step.service,), "oldest", snap.now,
                        snap.office.priority_lead_min)
    ahead = next(i for i, c in enumerate(order) if c.step_id == step.step_id)
    counters = sum(1 for v in snap.counters
                   if not v.on_break and step.service in v.spec.services) or 1
    mean = models.get(step.service, ServiceModel()).mean_min
    out = {}
    for name, per in (("naive", mean), ("static", STATIC_MIN)):
        x = ahead * per / counters
        out[name] = (x, x * 0.65, x * 1.35 + 1)
    return out


def _issue_until(snap: Snapshot) -> datetime:
    return datetime.combine(snap.now.date(), snap.office.hours.issue_until, snap.now.tzinfo)


def _quantile_triplet(q) -> tuple[float, float, float]:
    return (q.median, q.low, q.high)


class _Recorder:
    def __init__(self, history: _History, day: date):
        self.history, self.day = history, day
        self.predictions: dict[int, dict[str, tuple]] = {}
        self.product_ms: list[tuple[int, float]] = []

    def __call__(self, snap: Snapshot) -> None:
        models = self.history.models_at(self.day, snap.now)
        step = snap.step
        preds = _ahead_estimates(snap, models)
        t = time.perf_counter()
        usual = self.history.usual_breaks(self.day)
        q = replay_quantiles(snap.now, snap.waiting, _product_counters(snap, usual), models,
                             priority_lead_minutes=snap.office.priority_lead_min,
                             issue_until=_issue_until(snap),
                             seed=step.step_id)
        self.product_ms.append((len(snap.waiting), (time.perf_counter() - t) * 1000))
        if step.step_id in q:
            preds["product"] = _quantile_triplet(q[step.step_id])
        q = replay_quantiles(snap.now, snap.waiting, _oracle_counters(snap), _oracle_models(snap),
                             priority_lead_minutes=snap.office.priority_lead_min,
                             runs=max(100, default_runs(len(snap.waiting))),
                             issue_until=_issue_until(snap),
                             seed=step.step_id + 7)
        if step.step_id in q:
            preds["oracle"] = _quantile_triplet(q[step.step_id])
        self.predictions[step.step_id] = preds


def _metrics(pairs: list[tuple[float, tuple]]) -> dict:
    if not pairs:
        return {"n": 0}
    errs = sorted(abs(p[0] - real) for real, p in pairs)
    n = len(errs)
    cover = sum(1 for real, p in pairs if p[1] <= real <= p[2]) / n
    bias = sum(p[0] - real for real, p in pairs) / n
    return {"n": n, "mae_min": sum(errs) / n, "rmse_min": math.sqrt(sum(e * e for e in errs) / n),
            "p90_abs_min": errs[min(n - 1, int(math.ceil(0.9 * n)) - 1)], "coverage": cover,
            "bias_min": bias}


def _summary(rows: list[tuple[float, dict]]) -> dict:
    out = {name: _metrics([(real, p[name]) for real, p in rows if name in p])
           for name in ESTIMATORS}
    mae = {k: v.get("mae_min") for k, v in out.items()}
    if mae["product"] is not None and mae["oracle"]:
        out["product_over_oracle"] = mae["product"] / mae["oracle"]
    if mae["product"] is not None and mae["naive"] and mae["static"]:
        out["product_over_best_baseline"] = mae["product"] / min(mae["naive"], mae["static"])
    waits = [real for real, _ in rows]
    out["realised_wait_mean_min"] = sum(waits) / len(waits) if waits else None
    return out


def _timing_200(history: _History, day: date, snap: Snapshot | None) -> dict:
    """Time the product's full estimate (every step and every service) for a 200-person queue."""
    if snap is None:
        return {}
    waiting = list(snap.waiting)
    k = 0
    while len(waiting) < 200:  # pad with copies of the queue's steps, issued later
        c = snap.waiting[k % len(snap.waiting)]
        k += 1
        at = snap.now - timedelta(seconds=k)
        waiting.append(Candidate(10_000_000 + k, c.service, at, at, False, c.target_minutes,
                                 10_000_000 + k))
    waiting = waiting[:200]
    models = history.models_at(day, snap.now)
    counters = _product_counters(snap, history.usual_breaks(day))
    services = {s.code: s.target_min for s in snap.office.services}
    times = []
    for _ in range(5):
        t = time.perf_counter()
        estimate_queue(snap.now, waiting, counters, models, services,
                       snap.office.priority_lead_min, issue_until=_issue_until(snap))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"queue": len(waiting), "counters": len(counters), "runs": default_runs(200),
            "median_ms": times[2], "max_ms": times[-1]}


def _one_day(args: tuple) -> tuple[list, list, int, Snapshot | None]:
    """Simulate and estimate one day (in a worker process): rows, timings, largest queue."""
    d, seed, office, load = args
    history = _History(seed, office, load)
    history.warm(d)
    rec = _Recorder(history, d)
    seen: list = [(0, None)]

    def watch(snap: Snapshot) -> None:
        if len(snap.waiting) > seen[0][0]:
            seen[0] = (len(snap.waiting), snap)
        rec(snap)

    record = simulate_day(d, seed, office, load, watch)
    rows = [(s.wait_min, rec.predictions[s.step_id]) for s in record.steps
            if s.wait_min is not None and s.step_id in rec.predictions]
    return rows, rec.product_ms, seen[0][0], seen[0][1]


def _run_days(days: list[date], seed: int, office: OfficeSpec, load: float, workers: int):
    rows: list[tuple[float, dict]] = []
    ms: list[tuple[int, float]] = []
    biggest: tuple[int, Snapshot | None, date | None] = (0, None, None)
    jobs = [(d, seed, office, load) for d in days]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        for d, (r, m, size, snap) in zip(days, pool.map(_one_day, jobs), strict=True):
            rows.extend(r)
            ms.extend(m)
            if size > biggest[0]:
                biggest = (size, snap, d)
    return rows, ms, biggest


def run(seed: int = 1, days: int = 5, load: float = 1.0, workers: int | None = None,
        office: OfficeSpec = DEFAULT_OFFICE) -> dict:
    """Simulate ``days`` normal and ``days`` busy-season days; return the report."""
    t0 = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    normal, ms_n, big_n = _run_days(open_days(NORMAL_START, days, office), seed, office, load,
                                    workers)
    busy, ms_b, big_b = _run_days(open_days(BUSY_START, days, office), seed, office, load,
                                  workers)
    history = _History(seed, office, load)
    big = max(big_n, big_b, key=lambda b: b[0])
    ms = sorted(x for _, x in ms_n + ms_b)
    result = {
        "seed": seed, "days": days, "load": load, "workers": workers,
        **_summary(normal + busy),
        "normal": _summary(normal),
        "busy_season": _summary(busy),
        "product_time_ms": {"median": ms[len(ms) // 2] if ms else None,
                            "p99": ms[int(len(ms) * 0.99)] if ms else None,
                            "largest_queue": big[0]},
        "product_time_200": _timing_200(history, big[2], big[1]) if big[1] else {},
        "seconds": time.perf_counter() - t0,
    }
    return result


def _render_block(title: str, block: dict) -> None:
    print(f"\n{title} (steps: {block['product'].get('n', 0)}, mean realised wait "
          f"{block['realised_wait_mean_min'] or 0:.1f} min)")
    print(f"  {'estimator':10s} {'MAE':>7s} {'RMSE':>7s} {'P90|e|':>7s} {'80% cov':>8s} "
          f"{'bias':>7s}")
    for name in ESTIMATORS:
        m = block[name]
        if not m.get("n"):
            continue
        print(f"  {name:10s} {m['mae_min']:7.2f} {m['rmse_min']:7.2f} {m['p90_abs_min']:7.2f} "
              f"{m['coverage'] * 100:7.1f}% {m['bias_min']:+7.2f}")
    if "product_over_oracle" in block:
        print(f"  product MAE / oracle MAE = {block['product_over_oracle']:.2f} (aim ≤ 1.10); "
              f"/ best of naive, static = {block.get('product_over_best_baseline', 0):.2f} "
              "(aim ≤ 0.60); coverage aim 75–85 %")


def render(result: dict) -> None:
    print(f"Estimate accuracy: seed {result['seed']}, {result['days']} normal + "
          f"{result['days']} busy-season days, load ×{result['load']} (minutes until called)")
    _render_block("All days", result)
    _render_block("Normal days", result["normal"])
    _render_block("Busy season (15 Mar – 15 Apr)", result["busy_season"])
    t = result["product_time_ms"]
    print(f"\nProduct estimate per queued step: median {t['median']:.1f} ms, "
          f"p99 {t['p99']:.1f} ms (largest queue {t['largest_queue']})")
    t2 = result.get("product_time_200") or {}
    if t2:
        print(f"Full office estimate (every step + every service) for a {t2['queue']}-person "
              f"queue, {t2['counters']} counters, {t2['runs']} replays: median "
              f"{t2['median_ms']:.1f} ms, max {t2['max_ms']:.1f} ms")
    print(f"Bench wall time: {result['seconds']:.1f} s")
