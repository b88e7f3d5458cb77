"""Office simulator: a discrete-event simulation of ward-office days (SPEC §7, issue #4).

Residents arrive at a rate that varies with the hour (morning peak, afternoon fall), the weekday
(Mondays, days after holidays) and the season (moving season mid-March to mid-April); each takes
a ticket for one service, may be a priority ticket, may not answer the call, and may be sent on
along a life-event chain (住民異動 → 国保 → 年金 → 子ども). Counters serve several services under
their calling policy and take lunch in turns between 11:00 and 14:00. The real calling policy
(``core.policy.choose_next``) picks every call and every change of state goes through
``core.states.transition``. Figures follow /work/shared/CITY.md. Same seed, same days.
"""

import heapq
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from core.businessday import TOKYO, OfficeHours, is_busy_season, is_open_day
from core.policy import DEFAULT_PRIORITY_LEAD_MIN, Candidate, choose_next
from core.states import Action, State, transition

NO_SHOW_WAIT_MIN = 2.0  # a clerk calls, recalls once, then marks the resident absent
WALK_MIN = (0.2, 1.0)  # from the call to the start of service (uniform)
LUNCH_FROM_H = 11.0
LUNCH_MIN = 60.0

# Relative arrival rate per half hour from 08:30 (the last slot is 17:00–17:15, issuing stops).
PROFILE = (1.3, 1.6, 1.6, 1.5, 1.35, 1.15, 1.0, 0.95, 0.95, 1.1, 1.1, 1.0, 0.9, 0.85, 0.75,
           0.65, 0.5, 0.0)


@dataclass(frozen=True)
class ServiceSpec:
    """One service: share of arrivals, lognormal service time, chain, no-shows, priority."""

    code: str
    name: str
    share: float
    mean_min: float
    cv: float = 0.5
    target_min: float = 30.0
    no_show: float = 0.03
    priority: float = 0.04
    next_code: str | None = None
    transfer_p: float = 0.0
    busy_volume: float = 1.2  # arrival multiplier in the busy season
    busy_time: float = 1.0  # service-time multiplier in the busy season


@dataclass(frozen=True)
class CounterSpec:
    counter_id: int
    name: str
    services: tuple[str, ...]
    policy: str = "oldest"
    lunch_slot: int | None = None  # lunch at 11:00 + slot hours; None: no break


@dataclass(frozen=True)
class OfficeSpec:
    code: str
    name: str
    services: tuple[ServiceSpec, ...]
    counters: tuple[CounterSpec, ...]
    daily_tickets: float = 430.0  # a normal Tuesday–Friday
    hours: OfficeHours = field(default_factory=OfficeHours)
    priority_lead_min: float = DEFAULT_PRIORITY_LEAD_MIN
    monday: float = 1.3
    after_holiday: float = 1.25
    busy_counters: tuple[CounterSpec, ...] = ()  # opened in the busy season only

    def counters_on(self, busy: bool) -> tuple[CounterSpec, ...]:
        return self.counters + self.busy_counters if busy else self.counters

    def service(self, code: str) -> ServiceSpec:
        return next(s for s in self.services if s.code == code)


# A ward office's citizens' section and its neighbours (中央区役所-like, CITY.md): certificates
# are the bulk, moving registrations the long ones and the busy season's load.
DEFAULT_SERVICES = (
    ServiceSpec("shomei", "証明書", 0.44, 5.0, 0.6, 20, 0.02, 0.03, busy_volume=1.2),
    ServiceSpec("inkan", "印鑑登録", 0.06, 7.0, 0.5, 20, 0.02, 0.03),
    ServiceSpec("idou", "住民異動", 0.18, 18.0, 0.5, 40, 0.03, 0.04, "kokuho", 0.35,
                busy_volume=2.0, busy_time=1.1),
    ServiceSpec("koseki", "戸籍", 0.08, 14.0, 0.5, 40, 0.03, 0.03),
    ServiceSpec("kokuho", "国民健康保険", 0.10, 12.0, 0.45, 30, 0.04, 0.05, "nenkin", 0.4),
    ServiceSpec("nenkin", "国民年金", 0.06, 11.0, 0.45, 30, 0.04, 0.05, "kodomo", 0.25),
    ServiceSpec("kodomo", "子ども", 0.08, 14.0, 0.5, 30, 0.03, 0.06),
)
DEFAULT_COUNTERS = (
    CounterSpec(1, "1番", ("shomei", "inkan")),
    CounterSpec(2, "2番", ("shomei", "inkan"), lunch_slot=0),
    CounterSpec(3, "3番", ("inkan", "shomei"), "ordered", lunch_slot=1),
    CounterSpec(4, "4番", ("idou", "koseki")),
    CounterSpec(5, "5番", ("idou", "koseki"), lunch_slot=0),
    CounterSpec(6, "6番", ("idou", "koseki"), lunch_slot=1),
    CounterSpec(7, "7番", ("idou",), lunch_slot=2),
    CounterSpec(8, "8番", ("shomei", "inkan", "idou")),
    CounterSpec(9, "9番", ("koseki", "idou"), "ordered", lunch_slot=2),
    CounterSpec(10, "10番", ("kokuho", "nenkin")),
    CounterSpec(11, "11番", ("kokuho", "nenkin"), lunch_slot=0),
    CounterSpec(12, "12番", ("nenkin", "kokuho"), lunch_slot=1),
    CounterSpec(13, "13番", ("nenkin", "kokuho", "kodomo"), "sla", lunch_slot=2),
    CounterSpec(14, "14番", ("kodomo",)),
    CounterSpec(15, "15番", ("kodomo", "nenkin"), "ordered", lunch_slot=0),
)
# The busy-season task force (CITY.md): extra moving-registration counters.
BUSY_COUNTERS = (
    CounterSpec(16, "16番", ("idou",)),
    CounterSpec(17, "17番", ("idou", "koseki"), lunch_slot=1),
    CounterSpec(18, "18番", ("shomei", "inkan"), lunch_slot=2),
    CounterSpec(19, "19番", ("kokuho", "nenkin"), lunch_slot=0),
)
DEFAULT_OFFICE = OfficeSpec("chuo", "中央区役所", DEFAULT_SERVICES, DEFAULT_COUNTERS,
                            busy_counters=BUSY_COUNTERS)


@dataclass
class StepRecord:
    """One step of a ticket as it happened, with the outcome drawn when it was queued."""

    step_id: int
    ticket_id: int
    number: int
    service: str
    priority: bool
    issued_at: datetime  # the ticket's issue time: its place in the queue
    queued_at: datetime
    service_min: float  # drawn at queueing: the true time it will take at the counter
    no_show: bool
    transfer_to: str | None
    target_min: float = 30.0
    state: str = State.WAITING.value
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    counter_id: int | None = None

    def candidate(self) -> Candidate:
        return Candidate(self.step_id, self.service, self.issued_at, self.queued_at,
                         self.priority, self.target_min, self.number)

    @property
    def wait_min(self) -> float | None:
        """Minutes from queueing to the (first) call."""
        if self.called_at is None:
            return None
        return (self.called_at - self.queued_at).total_seconds() / 60.0


@dataclass(frozen=True)
class BreakRecord:
    """A counter paused for a break: from ``start`` for ``minutes``."""

    counter_id: int
    start: datetime
    minutes: float


@dataclass
class DayRecord:
    day: date
    busy_season: bool
    factor: float  # the day's volume multiplier (Monday, after a holiday, load)
    steps: list[StepRecord]
    counters: tuple[CounterSpec, ...]
    breaks: list[BreakRecord] = field(default_factory=list)


@dataclass
class CounterView:
    """A counter as it is at an instant, with the truth an oracle may use."""

    spec: CounterSpec
    step: StepRecord | None  # the step it is calling or serving
    free_at: datetime  # true end of its current step or break (now when idle)
    on_break: bool
    lunch_from: datetime | None  # its lunch, not yet taken, starts when free after this
    lunch_min: float = LUNCH_MIN
    break_from: datetime | None = None  # when its current break began (what staff pages show)
    had_break: bool = False  # it has had its break today


@dataclass
class Snapshot:
    """The office when a step is queued: what the estimators see (and the oracle's truth)."""

    now: datetime
    step: StepRecord
    waiting: list[Candidate]
    steps: dict[int, StepRecord]
    counters: list[CounterView]
    office: OfficeSpec
    busy_season: bool
    factor: float


def lognormal(rng: random.Random, mean: float, cv: float) -> float:
    """A lognormal draw with the given mean and coefficient of variation."""
    s2 = math.log1p(cv * cv)
    return rng.lognormvariate(math.log(mean) - s2 / 2, math.sqrt(s2))


def day_factor(office: OfficeSpec, day: date) -> float:
    """Volume of ``day`` relative to a normal day: Mondays and days after a closed day."""
    f = office.monday if day.weekday() == 0 else 1.0
    prev = day - timedelta(days=1)
    if day.weekday() != 0 and not is_open_day(office.hours, prev):
        f = max(f, office.after_holiday)
    elif day.weekday() == 0 and not is_open_day(office.hours, day - timedelta(days=3)):
        f = office.monday * 1.1  # Monday after a long weekend
    return f


def arrival_rate(office: OfficeSpec, service: ServiceSpec, minute: float, factor: float,
                 busy: bool) -> float:
    """Expected arrivals per minute of ``service`` at ``minute`` after midnight."""
    opens = office.hours.opens.hour * 60 + office.hours.opens.minute
    slot = int((minute - opens) // 30)
    if slot < 0 or slot >= len(PROFILE):
        return 0.0
    mean_profile = sum(PROFILE[:-1]) / (len(PROFILE) - 1.5)  # last slot is 15 min, zero rate
    base = office.daily_tickets / (30 * (len(PROFILE) - 1.5)) / mean_profile
    vol = service.busy_volume if busy else 1.0
    return base * PROFILE[slot] * factor * service.share * vol


class _Day:
    """One office day: events in a heap, minutes after local midnight as the clock."""

    def __init__(self, office: OfficeSpec, day: date, rng: random.Random, load: float,
                 observer: Callable[[Snapshot], None] | None):
        self.office, self.day, self.rng, self.observer = office, day, rng, observer
        self.busy = is_busy_season(day)
        self.factor = day_factor(office, day) * load
        self.midnight = datetime.combine(day, time(0), TOKYO)
        self.counters = office.counters_on(self.busy)
        self.events: list[tuple[float, int, str, object]] = []
        self.seq = 0
        self.steps: dict[int, StepRecord] = {}
        self.waiting: dict[int, Candidate] = {}
        self.busy_with: dict[int, StepRecord | None] = {c.counter_id: None for c in self.counters}
        self.free_at: dict[int, float] = {c.counter_id: 0.0 for c in self.counters}
        self.on_break: set[int] = set()
        self.lunch_due: dict[int, float] = {}
        self.breaks: list[BreakRecord] = []
        self.tickets = 0

    def at(self, minute: float) -> datetime:
        return self.midnight + timedelta(minutes=minute)

    def push(self, minute: float, kind: str, data: object = None) -> None:
        self.seq += 1
        heapq.heappush(self.events, (minute, self.seq, kind, data))

    def run(self) -> DayRecord:
        self._schedule_arrivals()
        for c in self.counters:
            if c.lunch_slot is not None:
                due = LUNCH_FROM_H * 60 + 60 * c.lunch_slot
                self.lunch_due[c.counter_id] = due
                self.push(due, "lunch", c)
        handlers = {"arrive": self._arrive, "start": self._start, "end": self._end,
                    "lunch": self._lunch, "back": self._back}
        while self.events:
            minute, _, kind, data = heapq.heappop(self.events)
            handlers[kind](minute, data)
            self._dispatch(minute)
        return DayRecord(self.day, self.busy, self.factor,
                         sorted(self.steps.values(), key=lambda s: s.step_id),
                         self.counters, self.breaks)

    def _schedule_arrivals(self) -> None:
        """Arrivals by thinning a Poisson process at the peak rate."""
        hours = self.office.hours
        t = hours.opens.hour * 60 + hours.opens.minute
        end = hours.issue_until.hour * 60 + hours.issue_until.minute
        services = self.office.services
        peak = max(sum(arrival_rate(self.office, s, t + 30 * k + 1, self.factor, self.busy)
                       for s in services) for k in range(len(PROFILE)))
        while True:
            t += self.rng.expovariate(peak)
            if t >= end:
                return
            rates = [arrival_rate(self.office, s, t, self.factor, self.busy) for s in services]
            if self.rng.random() * peak < sum(rates):
                service = self.rng.choices(services, weights=rates)[0]
                self.push(t, "arrive", (service, self.rng.random() < service.priority))

    def _arrive(self, minute: float, data) -> None:
        service, priority = data
        self.tickets += 1
        now = self.at(minute)
        self._queue(minute, service, self.tickets, priority, now)

    def _queue(self, minute: float, service: ServiceSpec, ticket: int, priority: bool,
               issued_at: datetime) -> None:
        rng = self.rng
        time_factor = service.busy_time if self.busy else 1.0
        step = StepRecord(
            step_id=len(self.steps) + 1, ticket_id=ticket, number=ticket, service=service.code,
            priority=priority, issued_at=issued_at, queued_at=self.at(minute),
            service_min=lognormal(rng, service.mean_min * time_factor, service.cv),
            no_show=rng.random() < service.no_show,
            transfer_to=service.next_code if rng.random() < service.transfer_p else None,
            target_min=service.target_min)
        self.steps[step.step_id] = step
        self.waiting[step.step_id] = step.candidate()
        if self.observer is not None:
            self.observer(self._snapshot(minute, step))

    def _snapshot(self, minute: float, step: StepRecord) -> Snapshot:
        views = []
        began = {b.counter_id: b.start for b in self.breaks}
        for c in self.counters:
            cid = c.counter_id
            due = self.lunch_due.get(cid)
            on_break = cid in self.on_break
            views.append(CounterView(
                c, self.busy_with[cid], self.at(max(minute, self.free_at[cid])),
                on_break, self.at(due) if due is not None else None,
                break_from=began.get(cid) if on_break else None, had_break=cid in began))
        return Snapshot(self.at(minute), step, list(self.waiting.values()), self.steps, views,
                        self.office, self.busy, self.factor)

    def _dispatch(self, minute: float) -> None:
        """Every idle counter calls what its policy chooses (the real ``choose_next``)."""
        now = self.at(minute)
        for c in self.counters:
            cid = c.counter_id
            if self.busy_with[cid] is not None or cid in self.on_break:
                continue
            due = self.lunch_due.get(cid)
            if due is not None and minute >= due:
                self._go_to_lunch(minute, cid)
                continue
            if not self.waiting:
                continue
            nxt = choose_next(self.waiting.values(), c.services, c.policy, now,
                              self.office.priority_lead_min)
            if nxt is not None:
                self._call(minute, c, self.steps[nxt.step_id])

    def _call(self, minute: float, counter: CounterSpec, step: StepRecord) -> None:
        step.state = transition(step.state, Action.CALL).value
        del self.waiting[step.step_id]
        step.called_at, step.counter_id = self.at(minute), counter.counter_id
        self.busy_with[counter.counter_id] = step
        if step.no_show:
            end = minute + NO_SHOW_WAIT_MIN
        else:
            start = minute + self.rng.uniform(*WALK_MIN)
            end = start + step.service_min
            self.push(start, "start", step)
        self.free_at[counter.counter_id] = end
        self.push(end, "end", step)

    def _start(self, minute: float, step: StepRecord) -> None:
        step.state = transition(step.state, Action.START).value
        step.started_at = self.at(minute)

    def _end(self, minute: float, step: StepRecord) -> None:
        step.ended_at = self.at(minute)
        self.busy_with[step.counter_id] = None
        if step.no_show:
            step.state = transition(step.state, Action.NO_SHOW).value
        elif step.transfer_to:
            step.state = transition(step.state, Action.TRANSFER).value
            nxt = self.office.service(step.transfer_to)
            self._queue(minute, nxt, step.ticket_id, step.priority, step.issued_at)
        else:
            step.state = transition(step.state, Action.FINISH).value

    def _lunch(self, minute: float, counter: CounterSpec) -> None:
        if self.busy_with[counter.counter_id] is None:
            self._go_to_lunch(minute, counter.counter_id)

    def _go_to_lunch(self, minute: float, cid: int) -> None:
        if self.lunch_due.pop(cid, None) is None:
            return
        self.on_break.add(cid)
        self.breaks.append(BreakRecord(cid, self.at(minute), LUNCH_MIN))
        self.free_at[cid] = minute + LUNCH_MIN
        self.push(minute + LUNCH_MIN, "back", cid)

    def _back(self, minute: float, cid: int) -> None:
        self.on_break.discard(cid)


def simulate_day(day: date, seed: int, office: OfficeSpec = DEFAULT_OFFICE, load: float = 1.0,
                 observer: Callable[[Snapshot], None] | None = None) -> DayRecord:
    """Simulate one office day; ``observer`` sees the office each time a step is queued."""
    rng = random.Random(f"{seed}:{office.code}:{day.isoformat()}")
    return _Day(office, day, rng, load, observer).run()


def open_days(start: date, count: int, office: OfficeSpec = DEFAULT_OFFICE) -> list[date]:
    """The first ``count`` open days from ``start`` on."""
    days, day = [], start
    while len(days) < count:
        if is_open_day(office.hours, day):
            days.append(day)
        day += timedelta(days=1)
    return days


def simulate_days(start: date, count: int, seed: int, office: OfficeSpec = DEFAULT_OFFICE,
                  load: float = 1.0) -> list[DayRecord]:
    """History for ``count`` open days from ``start``: one DayRecord per day (demo, planner)."""
    return [simulate_day(d, seed, office, load) for d in open_days(start, count, office)]


def final_states(steps: Iterable[StepRecord]) -> dict[int, str]:
    """Each ticket's final state: the state of its last step."""
    last: dict[int, StepRecord] = {}
    for s in steps:
        if s.ticket_id not in last or s.step_id > last[s.ticket_id].step_id:
            last[s.ticket_id] = s
    return {t: s.state for t, s in last.items()}


def services_of(office: OfficeSpec) -> Sequence[str]:
    return [s.code for s in office.services]
