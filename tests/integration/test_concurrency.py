"""The guarantees of SPEC §2.2, attacked with real races on SQLite and on PostgreSQL.

Kiosks issuing and counters calling at the same instant, from threads sharing one app and from
separate processes sharing only the database, released together by a barrier; clerks acting on
the same step at once; and processes dying just before and just after an issue commits.

The queue estimates (computed before the issuing transaction) and the live pushes (sent after
commit) are replaced by no-ops here: they run outside the transactions under test, and without
them the writers collide more often, not less.
"""

import multiprocessing as mp
import os
import threading
from collections import Counter
from functools import partial

import pytest
from sqlalchemy import func, select

from core.errors import Conflict, DomainError, IllegalTransition
from junban.counters import act, call_next, call_ticket, cancel_ticket, take_counter
from junban.db import new_session
from junban.errors import STATUS
from junban.issuing import IssueRequest, issue_ticket
from junban.models import Event, NumberSequence, Staff, Step, Ticket
from tests.helpers import OPEN_DAY, make_office, make_staff

pytestmark = pytest.mark.slow

KIOSKS = 16
COUNTERS = 8
PER_THREAD = 10
PER_PROCESS = 5
WAIT = 120  # seconds a barrier or a worker may take before the test fails instead of hanging


def _quiet_side_effects() -> None:
    """No estimate before issuing and no live push after commit (see the module docstring)."""
    import junban.issuing
    import junban.realtime

    junban.issuing.estimate_new_ticket = lambda *a, **k: None
    junban.realtime.queue_changed = lambda *a, **k: None
    junban.realtime.step_changed = lambda *a, **k: None


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    import junban.issuing
    import junban.realtime

    monkeypatch.setattr(junban.issuing, "estimate_new_ticket", lambda *a, **k: None)
    monkeypatch.setattr(junban.realtime, "queue_changed", lambda *a, **k: None)
    monkeypatch.setattr(junban.realtime, "step_changed", lambda *a, **k: None)


def _open_counters(session, n: int) -> list[tuple[int, str]]:
    """Office "chuo" with one service and ``n`` counters, each taken by its own clerk."""
    office = make_office(session, services=("idou",),
                         counters=[(str(i + 1), ["idou"], "oldest") for i in range(n)])
    taken = []
    for i, counter in enumerate(office.counters):
        staff = make_staff(session, f"clerk{i + 1}", offices=[office])
        take_counter(session, counter.id, staff, OPEN_DAY)
        taken.append((counter.id, staff.username))
    return taken


def _issue(session) -> Ticket:
    return issue_ticket(session, IssueRequest("chuo", "idou"), OPEN_DAY)


def _staff(session, username: str) -> Staff:
    return session.scalar(select(Staff).where(Staff.username == username))


# --- workers: shared by the thread and the process variants --------------------------------
# ``sessions`` opens a session: new_session(app) in a thread, a bare engine's in a process.

def _issue_many(sessions, barrier, count: int) -> tuple[list[int], list[str]]:
    numbers, errors = [], []
    try:
        with sessions() as session:
            barrier.wait(WAIT)
            for _ in range(count):
                numbers.append(_issue(session).number)
    except Exception as exc:  # noqa: BLE001 — reported to the test, which fails on it
        errors.append(repr(exc))
    return numbers, errors


def _call_until_empty(sessions, barrier, counter_id: int,
                      username: str) -> tuple[list[int], list[str]]:
    """Call next, start and finish until the queue is empty; the step ids this counter called."""
    called, errors = [], []
    try:
        with sessions() as session:
            staff = _staff(session, username)
            barrier.wait(WAIT)
            while (step := call_next(session, counter_id, staff, OPEN_DAY).step) is not None:
                called.append(step.id)
                act(session, counter_id, staff, "start", OPEN_DAY)
                act(session, counter_id, staff, "finish", OPEN_DAY)
    except Exception as exc:  # noqa: BLE001
        errors.append(repr(exc))
    return called, errors


def _in_threads(target, args_list: list[tuple]) -> list:
    results: list = [None] * len(args_list)

    def run(i: int, args: tuple) -> None:
        results[i] = target(*args)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert not any(t.is_alive() for t in threads), "a worker thread hung"
    return results


# --- processes: no shared Python state, only the database ------------------------------------
# One pool of spawned processes serves the module (starting Python 16 times per test would
# dominate the run). A process blocked at the barrier takes no second job, so each job of a
# round runs in a different process.

def _bare_sessions(url: str):
    """A session factory on a fresh engine of this process (the use cases need no app)."""
    from sqlalchemy.orm import sessionmaker

    from junban.db import make_engine

    _quiet_side_effects()
    return sessionmaker(make_engine(url), expire_on_commit=False)


def _in_process(job: tuple):
    target, url, barrier, *args = job
    sessions = _bare_sessions(url)
    try:
        return os.getpid(), target(sessions, barrier, *args)
    finally:
        sessions.kw["bind"].dispose()


@pytest.fixture(scope="module")
def processes():
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(KIOSKS) as pool:
        def run(target, url: str, args_list: list[tuple]) -> list:
            barrier = manager.Barrier(len(args_list))
            done = pool.map_async(_in_process, [(target, url, barrier, *a) for a in args_list],
                                  chunksize=1).get(WAIT)
            assert len({pid for pid, _ in done}) == len(args_list), "two jobs shared a process"
            return [result for _, result in done]
        yield run


def _fresh(session):
    """Read what is committed now, not what the test's session remembers (it does not expire
    on commit) nor an older snapshot."""
    session.rollback()
    session.expire_all()
    return session


def _called_counts(session) -> Counter:
    """How many steps were called once, twice…, read from the event log."""
    rows = _fresh(session).execute(select(Event.step_id, func.count())
                                   .where(Event.kind == "called")
                                   .group_by(Event.step_id)).all()
    return Counter(n for _, n in rows)


def _assert_issued_once_each(session, results: list, expected: int) -> None:
    assert [e for _, errors in results for e in errors] == []
    numbers = [n for got, _ in results for n in got]
    assert len(numbers) == expected
    assert len(set(numbers)) == expected, "a number was issued twice"
    assert sorted(numbers) == list(range(1, expected + 1)), "numbers are not contiguous"
    stored = _fresh(session).scalars(select(Ticket.number)).all()
    assert sorted(stored) == sorted(numbers)
    assert session.scalar(select(func.count()).select_from(Step)) == expected
    assert session.scalar(select(func.count()).where(Event.kind == "issued")) == expected
    assert session.scalar(select(NumberSequence.last_number)) == expected


def _assert_called_once_each(session, results: list, expected: int) -> None:
    assert [e for _, errors in results for e in errors] == []
    called = [s for got, _ in results for s in got]
    assert len(called) == expected
    assert len(set(called)) == expected, "a step was called by two counters"
    assert _called_counts(session) == Counter({1: expected})
    assert Counter(session.scalars(select(Step.state)).all()) == Counter({"done": expected})


# --- a number is never issued twice -----------------------------------------------------------

def test_sixteen_kiosk_threads_issuing_at_once_never_issue_a_number_twice(app, session):
    make_office(session, services=("idou",))
    barrier = threading.Barrier(KIOSKS)
    results = _in_threads(_issue_many, [(partial(new_session, app), barrier, PER_THREAD)] * KIOSKS)
    _assert_issued_once_each(session, results, KIOSKS * PER_THREAD)


def test_sixteen_kiosk_processes_issuing_at_once_never_issue_a_number_twice(
        session, database_url, processes):
    make_office(session, services=("idou",))
    results = processes(_issue_many, database_url, [(PER_PROCESS,)] * KIOSKS)
    _assert_issued_once_each(session, results, KIOSKS * PER_PROCESS)


# --- a waiting step is never called by two counters -------------------------------------------

def test_eight_counter_threads_calling_next_at_once_call_each_ticket_exactly_once(app, session):
    counters = _open_counters(session, COUNTERS)
    for _ in range(6 * COUNTERS):
        _issue(session)
    barrier = threading.Barrier(COUNTERS)
    results = _in_threads(_call_until_empty,
                          [(partial(new_session, app), barrier, cid, user)
                           for cid, user in counters])
    _assert_called_once_each(session, results, 6 * COUNTERS)


def test_eight_counter_processes_calling_next_at_once_call_each_ticket_exactly_once(
        session, database_url, processes):
    counters = _open_counters(session, COUNTERS)
    for _ in range(4 * COUNTERS):
        _issue(session)
    results = processes(_call_until_empty, database_url, counters)
    _assert_called_once_each(session, results, 4 * COUNTERS)


def test_counters_calling_next_on_a_short_queue_get_distinct_tickets_or_queue_empty(
        app, session):
    counters = _open_counters(session, COUNTERS)
    for _ in range(3):
        _issue(session)
    barrier = threading.Barrier(COUNTERS)

    def once(counter_id: int, username: str):
        with new_session(app) as s:
            staff = _staff(s, username)
            barrier.wait(WAIT)
            step = call_next(s, counter_id, staff, OPEN_DAY).step
            return step.id if step else None

    got = _in_threads(once, counters)
    called = [g for g in got if g is not None]
    assert len(called) == len(set(called)) == 3
    assert got.count(None) == COUNTERS - 3
    assert _called_counts(session) == Counter({1: 3})


# --- one step, two clerks at once: one wins, the other is refused -----------------------------

ROUNDS = 6
# A clerk who loses a race is refused with 409: Conflict when both read the step before either
# wrote it, IllegalTransition when the winner had already committed (SQLite serialises writers).
REFUSED = (Conflict.code, IllegalTransition.code)


def _race(app, jobs: list) -> list:
    """Run each ``job(session)`` in its own thread and session at the same instant; return
    each job's result or the code of the DomainError it raised."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        with new_session(app) as s:
            prepared = job(s)
            barrier.wait(WAIT)
            try:
                return prepared()
            except DomainError as exc:
                return exc.code

    return _in_threads(run, [(j,) for j in jobs])


def _caller(counter_id: int, username: str, ref: str):
    def job(s):
        staff = _staff(s, username)
        return lambda: call_ticket(s, counter_id, staff, ref, OPEN_DAY).counter.id
    return job


def test_two_counters_calling_the_same_ticket_at_once_give_it_to_exactly_one(app, session):
    (c1, u1), (c2, u2) = _open_counters(session, 2)
    for _ in range(ROUNDS):
        ref = _issue(session).display_number
        outcomes = _race(app, [_caller(c1, u1, ref), _caller(c2, u2, ref)])
        winners = [o for o in outcomes if isinstance(o, int)]
        assert len(winners) == 1
        [refusal] = [o for o in outcomes if not isinstance(o, int)]
        assert refusal in REFUSED and STATUS[refusal] == 409
        for cid, user in ((c1, u1), (c2, u2)):  # free both counters for the next round
            if cid in winners:
                act(_fresh(session), cid, _staff(session, user), "no-show", OPEN_DAY)
    assert _called_counts(session) == Counter({1: ROUNDS})


def test_call_next_pressed_twice_at_once_at_one_counter_calls_one_ticket(app, session):
    [(cid, user)] = _open_counters(session, 1)
    for _ in range(2):
        _issue(session)

    def press(s):
        staff = _staff(s, user)
        return lambda: call_next(s, cid, staff, OPEN_DAY).step.id

    outcomes = _race(app, [press, press])
    assert len([o for o in outcomes if isinstance(o, int)]) == 1
    assert [o for o in outcomes if not isinstance(o, int)] == [IllegalTransition.code]
    states = Counter(_fresh(session).scalars(select(Step.state)).all())
    assert states == Counter({"called": 1, "waiting": 1})


def test_two_clerks_finishing_the_same_ticket_at_once_finish_it_once(app, session):
    [(cid, user)] = _open_counters(session, 1)
    for _ in range(ROUNDS):
        _issue(session)
    for _ in range(ROUNDS):
        staff = _staff(_fresh(session), user)
        call_next(session, cid, staff, OPEN_DAY)
        act(session, cid, staff, "start", OPEN_DAY)

        def finish(s):
            clerk = _staff(s, user)
            return lambda: act(s, cid, clerk, "finish", OPEN_DAY).event

        outcomes = _race(app, [finish, finish])
        assert sorted(outcomes) == sorted(["finished", IllegalTransition.code])
    finished = _fresh(session).scalar(select(func.count()).where(Event.kind == "finished"))
    assert finished == ROUNDS


def test_a_resident_cancelling_while_a_counter_calls_gets_one_outcome_only(app, session):
    [(cid, user)] = _open_counters(session, 1)
    for _ in range(ROUNDS):
        ticket = _issue(_fresh(session))

        def cancel(s, token=ticket.token):
            return lambda: cancel_ticket(s, token, OPEN_DAY).state

        outcomes = _race(app, [_caller(cid, user, ticket.display_number), cancel])
        called, cancelled = outcomes[0] == cid, outcomes[1] == "cancelled"
        assert called != cancelled, outcomes
        assert outcomes[1 if called else 0] in REFUSED
        step = _fresh(session).scalar(select(Step).where(Step.ticket_id == ticket.id))
        assert step.state == ("called" if called else "cancelled")
        if called:
            act(session, cid, _staff(session, user), "no-show", OPEN_DAY)
    kinds = Counter(_fresh(session).scalars(
        select(Event.kind).where(Event.kind.in_(("called", "cancelled")))).all())
    assert kinds["called"] + kinds["cancelled"] == ROUNDS


# --- an issued ticket is committed before the kiosk shows it ----------------------------------

def _issue_then_die(url: str, conn, crash_before_commit: bool) -> None:
    with _bare_sessions(url)() as session:
        if crash_before_commit:
            # The process dies inside the issuing transaction, all its rows written.
            session.commit = lambda: os._exit(3)
        ticket = _issue(session)
        conn.send((ticket.number, ticket.token))  # what the kiosk shows…
        os._exit(3)  # …and the server dies at once: no cleanup, no close


def _run_dying_issuer(url: str, crash_before_commit: bool):
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_issue_then_die, args=(url, child, crash_before_commit))
    proc.start()
    proc.join(WAIT)
    assert proc.exitcode == 3
    return parent.recv() if parent.poll() else None


def test_a_server_dying_right_after_issuing_loses_no_ticket(session, database_url):
    make_office(session, services=("idou",))
    number, token = _run_dying_issuer(database_url, crash_before_commit=False)
    ticket = _fresh(session).scalar(select(Ticket).where(Ticket.token == token))
    assert ticket is not None and ticket.number == number
    assert ticket.current_step.state == "waiting"
    assert _issue(session).number == number + 1


def test_a_server_dying_while_issuing_leaves_no_half_ticket(session, database_url):
    make_office(session, services=("idou",))
    assert _run_dying_issuer(database_url, crash_before_commit=True) is None
    _fresh(session)
    for model in (Ticket, Step, Event, NumberSequence):
        assert session.scalar(select(func.count()).select_from(model)) == 0
    assert _issue(session).number == 1  # the lock is gone and the number was not used up
