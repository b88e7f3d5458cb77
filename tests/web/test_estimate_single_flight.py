"""The office estimate is computed once for everyone who needs it at the same moment, and never
handed out from a queue older than the caller may accept (junban.estimates.estimate_office)."""

import threading
import time
from datetime import timedelta

import pytest

from junban import estimates
from junban.models import Office
from tests.helpers import make_office

THREADS = 12


@pytest.fixture
def slow_compute(monkeypatch):
    """compute_estimate made slow enough that concurrent callers overlap; counts its calls."""
    calls = []
    real = estimates.compute_estimate

    def compute(session, office, now):
        calls.append(threading.get_ident())
        time.sleep(0.4)
        return real(session, office, now)

    monkeypatch.setattr(estimates, "compute_estimate", compute)
    return calls


def _office(session):
    office = make_office(session, services=("idou",), counters=[("1", ["idou"], "oldest")])
    session.commit()
    return office.id


def _in_threads(app, office_id, clock, n=THREADS, at=None, **kw):
    results, errors = [None] * n, []
    barrier = threading.Barrier(n)

    def run(i):
        try:
            with app.app_context():
                session = app.extensions["junban.sessionmaker"]()
                try:
                    office = session.get(Office, office_id)
                    barrier.wait()
                    results[i] = estimates.estimate_office(session, office, at or clock(), **kw)
                finally:
                    session.close()
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return results


def _change_while_one_computes(app, session, office_id, clock) -> threading.Thread:
    """Start a computation, change the queue while it runs; join the returned thread."""
    first = threading.Thread(target=lambda: _in_threads(app, office_id, clock, n=1))
    first.start()
    time.sleep(0.15)  # the first computation is under way
    estimates.forget_estimate(session.get(Office, office_id))  # the queue changed meanwhile
    return first


def test_callers_arriving_together_share_one_computation(app, session, clock, slow_compute):
    office_id = _office(session)
    results = _in_threads(app, office_id, clock)
    assert len(slow_compute) == 1
    assert all(r is results[0] for r in results)


def test_a_caller_arriving_after_a_change_does_not_take_the_estimate_of_the_queue_before_it(
        app, session, clock, slow_compute):
    office_id = _office(session)
    first = _change_while_one_computes(app, session, office_id, clock)
    _in_threads(app, office_id, clock, n=1)
    first.join()
    assert len(slow_compute) == 2
    # The second computation, of the queue as it is, is remembered (the first, of the queue
    # before the change, is not): the next caller computes nothing.
    _in_threads(app, office_id, clock, n=1)
    assert len(slow_compute) == 2


def test_a_new_tickets_estimate_may_come_from_the_computation_under_way(
        app, session, clock, slow_compute):
    office_id = _office(session)
    first = _change_while_one_computes(app, session, office_id, clock)
    _in_threads(app, office_id, clock, n=3, earlier_queue_ok=True)
    first.join()
    assert len(slow_compute) == 1


def test_a_failed_computation_lets_the_waiting_callers_compute_for_themselves(
        app, session, clock, monkeypatch):
    office_id = _office(session)
    real, calls = estimates.compute_estimate, []

    def flaky(session, office, now):
        calls.append(1)
        time.sleep(0.3)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(session, office, now)

    monkeypatch.setattr(estimates, "compute_estimate", flaky)
    with pytest.raises(AssertionError, match="database went away"):
        _in_threads(app, office_id, clock, n=3)
    assert len(calls) >= 2  # the others did not give up with the leader


def test_a_computation_for_another_moment_is_not_shared(app, session, clock, slow_compute):
    office_id = _office(session)
    first = threading.Thread(target=lambda: _in_threads(app, office_id, clock, n=1))
    first.start()
    time.sleep(0.15)
    _in_threads(app, office_id, clock, n=1, at=clock() + timedelta(minutes=20),
                earlier_queue_ok=True)
    first.join()
    assert len(slow_compute) == 2
