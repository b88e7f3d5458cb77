"""Which ticket a counter calls next (SPEC §2.3): oldest, ordered, sla, priority, no starvation."""

from datetime import datetime, timedelta

import pytest

from core.businessday import TOKYO
from core.policy import Candidate, choose_next, queue_order

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO)


def c(step_id, service="idou", minute=0, priority=False, target=30, waiting_minute=None):
    at = T0 + timedelta(minutes=minute)
    since = T0 + timedelta(minutes=waiting_minute if waiting_minute is not None else minute)
    return Candidate(step_id, service, at, since, priority, target, step_id)


NOW = T0 + timedelta(minutes=60)


def ids(cands):
    return [x.step_id for x in cands]


def test_oldest_calls_the_ticket_issued_first_among_the_counters_services():
    pool = [c(1, "shomei", 0), c(2, "idou", 5), c(3, "idou", 10)]
    assert choose_next(pool, ["idou"], "oldest", NOW).step_id == 2
    assert choose_next(pool, ["idou", "shomei"], "oldest", NOW).step_id == 1


def test_a_counter_never_calls_a_service_it_does_not_serve():
    assert choose_next([c(1, "shomei")], ["idou"], "oldest", NOW) is None


def test_an_empty_queue_gives_nothing_to_call():
    assert choose_next([], ["idou"], "sla", NOW) is None


def test_ordered_serves_the_counters_first_service_before_the_second():
    pool = [c(1, "shomei", 0), c(2, "idou", 30)]
    assert choose_next(pool, ["idou", "shomei"], "ordered", NOW).step_id == 2
    assert choose_next(pool, ["shomei", "idou"], "ordered", NOW).step_id == 1


def test_ordered_falls_back_to_the_next_service_when_the_first_is_empty():
    assert choose_next([c(1, "shomei", 0)], ["idou", "shomei"], "ordered", NOW).step_id == 1


def test_sla_calls_the_ticket_that_used_the_largest_share_of_its_target():
    # 50 of 60 minutes (83 %) beats 20 of 15 minutes? no: 20/15 = 133 % wins.
    pool = [c(1, "idou", 10, target=60), c(2, "shomei", 40, target=15)]
    assert choose_next(pool, ["idou", "shomei"], "sla", NOW).step_id == 2


def test_sla_uses_the_time_waiting_in_this_step_not_since_the_ticket_was_issued():
    transferred = c(1, "idou", 0, target=30, waiting_minute=55)  # waited 5 min here
    fresh = c(2, "idou", 40, target=30)  # waited 20 min
    assert choose_next([transferred, fresh], ["idou"], "sla", NOW).step_id == 2


@pytest.mark.parametrize("policy", ["oldest", "ordered", "sla"])
def test_a_priority_ticket_goes_before_normal_tickets_issued_around_the_same_time(policy):
    pool = [c(1, "idou", 0), c(2, "idou", 20, priority=True)]
    assert choose_next(pool, ["idou"], policy, NOW, 60).step_id == 2


def test_a_normal_ticket_that_waited_longer_than_the_lead_is_not_passed_over():
    pool = [c(1, "idou", 0), c(2, "idou", 61, priority=True)]
    assert choose_next(pool, ["idou"], "oldest", NOW + timedelta(minutes=5), 60).step_id == 1


def test_any_number_of_priority_arrivals_cannot_starve_a_normal_ticket():
    normal = c(1, "idou", 0)
    pool = [normal]
    calls_before = 0
    # A priority ticket arrives every minute for three hours; the normal one must be called
    # once the priority tickets come from more than the lead (60 min) after it.
    for minute in range(1, 181):
        pool.append(c(100 + minute, "idou", minute, priority=True))
        nxt = choose_next(pool, ["idou"], "oldest", T0 + timedelta(minutes=minute), 60)
        pool.remove(nxt)
        if nxt is normal:
            break
        calls_before += 1
    assert normal not in pool
    assert calls_before <= 60


def test_ties_are_broken_by_issue_order():
    pool = [c(2, "idou", 0), c(1, "idou", 0)]
    assert choose_next(pool, ["idou"], "oldest", NOW).step_id == 1


def test_queue_order_lists_the_calls_a_counter_would_make_in_turn():
    pool = [c(1, "idou", 0), c(2, "idou", 5), c(3, "idou", 10, priority=True), c(4, "kokuho", 1)]
    assert ids(queue_order(pool, ["idou"], "oldest", NOW)) == [3, 1, 2]


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        choose_next([c(1)], ["idou"], "random", NOW)
