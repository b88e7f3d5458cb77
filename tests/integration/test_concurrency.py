"""The guarantees of SPEC §2.2, attacked with real concurrency on SQLite and PostgreSQL:
many kiosks issuing at the same instant and many counters calling next at the same instant,
from threads and from separate processes."""

import multiprocessing as mp
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from core.errors import DomainError
from junban.counters import call_next, call_ticket, take_counter
from junban.db import new_session
from junban.issuing import IssueRequest, issue_ticket
from junban.models import Event, Staff, Step, Ticket
from tests.helpers import OPEN_DAY, make_office, make_staff

ISSUERS = 16
CALLERS = 8


def _office_with_counters(session, n: int = CALLERS):
    office = make_office(session, services=("idou",),
                         counters=[(str(i + 1), ["idou"], "oldest") for i in range(n)])
    for i, counter in enumerate(office.counters):
        staff = make_staff(session, f"clerk{i + 1}", offices=[office])
        take_counter(session, counter.id, staff, OPEN_DAY)
    return [(c.id, f"clerk{i + 1}") for i, c in enumerate(office.counters)]


def _issue_many(app, barrier, per_worker: int, out: list, errors: list) -> None:
    try:
        with app.app_context(), new_session(app) as session:
            barrier.wait()
            for _ in range(per_worker):
                ticket = issue_ticket(session, IssueRequest("chuo", "idou"), OPEN_DAY)
                out.append(ticket.number)
    except Exception as exc:  # noqa: BLE001 — reported to the test
        errors.append(repr(exc))


def _call_until_empty(app, barrier, counter_id: int, username: str, out: list,
                      errors: list) -> None:
    try:
        with app.app_context(), new_session(app) as session:
            staff = session.scalar(select(Staff).where(Staff.username == username))
            barrier.wait()
            while True:
                outcome = call_next(session, counter_id, staff, OPEN_DAY)
                if outcome.step is None:
                    return
                out.append(outcome.step.id)
                # Free the counter for the next call: the ticket is served and finished.
                from junban.counters import act

                act(session, counter_id, staff, "start", OPEN_DAY)
                act(session, counter_id, staff, "finish", OPEN_DAY)
    except Exception as exc:  # noqa: BLE001
        errors.append(repr(exc))


def _run_threads(target, args_list) -> None:
    threads = [threading.Thread(target=target, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)


def _called_once_each(session) -> Counter:
    """How many steps were called once, twice…: read afresh, outside any old snapshot."""
    session.rollback()
    rows = session.execute(select(Event.step_id, func.count()).where(Event.kind == "called")
                           .group_by(Event.step_id)).all()
    return Counter(n for _, n in rows)


def test_sixteen_kiosks_issuing_at_once_never_duplicate_a_number(app, session):
    make_office(session, services=("idou",))
    barrier = threading.Barrier(ISSUERS)
    numbers, errors = [], []
    _run_threads(_issue_many, [(app, barrier, 10, numbers, errors)] * ISSUERS)
    assert errors == []
    assert len(numbers) == ISSUERS * 10
    assert sorted(numbers) == list(range(1, ISSUERS * 10 + 1))  # no duplicate, no gap
    session.rollback()
    stored = session.scalars(select(Ticket.number)).all()
    assert sorted(stored) == sorted(numbers)


def test_eight_counters_calling_next_at_once_call_each_ticket_exactly_once(app, session):
    counters = _office_with_counters(session)
    for _ in range(60):
        issue_ticket(session, IssueRequest("chuo", "idou"), OPEN_DAY)
    barrier = threading.Barrier(CALLERS)
    called, errors = [], []
    _run_threads(_call_until_empty,
                 [(app, barrier, cid, user, called, errors) for cid, user in counters])
    assert errors == []
    assert len(called) == 60
    assert len(set(called)) == 60
    assert _called_once_each(session) == Counter({1: 60})
    states = session.scalars(select(Step.state)).all()
    assert set(states) == {"done"}


def test_two_counters_calling_the_same_ticket_at_once_give_it_to_exactly_one(app, session):
    counters = _office_with_counters(session, 2)
    ticket = issue_ticket(session, IssueRequest("chuo", "idou"), OPEN_DAY)
    barrier = threading.Barrier(2)
    wins, refusals = [], []

    def race(counter_id: int, username: str) -> None:
        with app.app_context(), new_session(app) as s:
            staff = s.scalar(select(Staff).where(Staff.username == username))
            barrier.wait()
            try:
                call_ticket(s, counter_id, staff, ticket.display_number, OPEN_DAY)
                wins.append(counter_id)
            except DomainError as exc:
                refusals.append(exc.code)

    _run_threads(race, counters)
    assert len(wins) == 1
    assert len(refusals) == 1 and refusals[0] in ("conflict", "illegal_transition")
    assert _called_once_each(session) == Counter({1: 1})


# --- separate processes: no shared Python state, only the database -----------------------

def _process_issue(url: str, tmp: str, barrier, per_worker: int, results) -> None:
    from tests.conftest import build_app
    from tests.helpers import FakeClock

    app = build_app(url, FakeClock(), tmp)
    out, errors = [], []
    _issue_many(app, barrier, per_worker, out, errors)
    results.put((out, errors))


def _process_call(url: str, tmp: str, barrier, counter_id: int, username: str, results) -> None:
    from tests.conftest import build_app
    from tests.helpers import FakeClock

    app = build_app(url, FakeClock(), tmp)
    out, errors = [], []
    _call_until_empty(app, barrier, counter_id, username, out, errors)
    results.put((out, errors))


def _run_processes(target, args_list, ctx) -> list:
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, results)) for args in args_list]
    for p in procs:
        p.start()
    collected = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(30)
    return collected


@pytest.mark.slow
def test_processes_issuing_and_calling_at_once_keep_every_guarantee(
        app, session, database_url, tmp_path):
    ctx = mp.get_context("spawn")
    counters = _office_with_counters(session)
    barrier = ctx.Barrier(ISSUERS)
    issued = _run_processes(_process_issue,
                            [(database_url, str(tmp_path), barrier, 5)] * ISSUERS, ctx)
    numbers = [n for out, _ in issued for n in out]
    assert [e for _, errs in issued for e in errs] == []
    assert sorted(numbers) == list(range(1, ISSUERS * 5 + 1))

    barrier = ctx.Barrier(CALLERS)
    calls = _run_processes(_process_call,
                           [(database_url, str(tmp_path), barrier, cid, user)
                            for cid, user in counters], ctx)
    called = [s for out, _ in calls for s in out]
    assert [e for _, errs in calls for e in errs] == []
    assert len(called) == len(set(called)) == ISSUERS * 5
    assert _called_once_each(session) == Counter({1: ISSUERS * 5})
