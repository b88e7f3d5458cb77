"""Which waiting step a counter calls next (SPEC §2.3): oldest, ordered, sla, priority, and the
anti-starvation bound that keeps normal tickets from being passed over indefinitely."""

from datetime import datetime, timedelta

import pytest

from core.businessday import TOKYO
from core.policy import DEFAULT_PRIORITY_LEAD_MIN, Candidate, Policy, choose_next, queue_order

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO)
NOW = T0 + timedelta(hours=1)
LEAD = 60.0


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def cand(step_id, service="A", issued=0.0, *, priority=False, waiting=None, target=30.0, seq=None):
    """A waiting step whose ticket was issued ``issued`` minutes after T0."""
    return Candidate(
        step_id=step_id,
        service=service,
        order_at=at(issued),
        waiting_since=at(issued if waiting is None else waiting),
        priority=priority,
        target_minutes=target,
        sequence=step_id if seq is None else seq,
    )


def ids(cands):
    return [c.step_id for c in cands]


# --- oldest -----------------------------------------------------------------------------------


def test_oldest_calls_the_ticket_issued_first_among_the_counters_services():
    pool = [cand(1, "A", 20), cand(2, "B", 5), cand(3, "A", 10)]
    assert choose_next(pool, ["A", "B"], "oldest", NOW).step_id == 2


def test_oldest_is_the_default_policy_name_and_accepts_the_enum():
    pool = [cand(1, "A", 20), cand(2, "A", 5)]
    assert choose_next(pool, ["A"], Policy.OLDEST, NOW).step_id == 2


def test_oldest_ignores_steps_of_services_the_counter_does_not_serve():
    pool = [cand(1, "C", 0), cand(2, "A", 30)]
    assert choose_next(pool, ["A", "B"], "oldest", NOW).step_id == 2


def test_oldest_breaks_a_tie_in_issue_time_by_issue_sequence():
    pool = [cand(7, "A", 10, seq=12), cand(8, "B", 10, seq=11)]
    assert choose_next(pool, ["A", "B"], "oldest", NOW).step_id == 8


def test_oldest_breaks_a_full_tie_by_step_id_so_the_choice_is_deterministic():
    pool = [cand(9, "A", 10, seq=1), cand(4, "A", 10, seq=1)]
    assert choose_next(pool, ["A"], "oldest", NOW).step_id == 4


def test_a_transferred_step_keeps_its_tickets_place_ahead_of_later_tickets():
    # Step 3 was transferred into A at minute 40, but its ticket was issued at minute 5.
    pool = [cand(1, "A", 20), cand(3, "A", 5, waiting=40)]
    assert choose_next(pool, ["A"], "oldest", NOW).step_id == 3


def test_the_candidate_order_in_the_input_does_not_matter():
    pool = [cand(1, "A", 30), cand(2, "B", 10), cand(3, "A", 20)]
    assert choose_next(pool, ["A", "B"], "oldest", NOW) == choose_next(
        list(reversed(pool)), ["A", "B"], "oldest", NOW
    )


@pytest.mark.parametrize("policy", list(Policy))
def test_an_empty_queue_gives_nothing_to_call(policy):
    assert choose_next([], ["A"], policy, NOW) is None


@pytest.mark.parametrize("policy", list(Policy))
def test_a_queue_of_other_services_only_gives_nothing_to_call(policy):
    assert choose_next([cand(1, "B", 0)], ["A"], policy, NOW) is None


def test_choose_next_accepts_any_iterable_of_candidates():
    gen = (c for c in [cand(1, "A", 10), cand(2, "A", 0)])
    assert choose_next(gen, ["A"], "oldest", NOW).step_id == 2


def test_an_unknown_policy_name_is_refused():
    with pytest.raises(ValueError):
        choose_next([cand(1)], ["A"], "random", NOW)


# --- ordered ----------------------------------------------------------------------------------


def test_ordered_calls_the_counters_first_service_before_its_second():
    pool = [cand(1, "B", 0), cand(2, "A", 30)]
    assert choose_next(pool, ["A", "B"], "ordered", NOW).step_id == 2


def test_ordered_follows_the_counters_own_order_not_the_alphabet():
    pool = [cand(1, "A", 0), cand(2, "B", 30)]
    assert choose_next(pool, ["B", "A"], "ordered", NOW).step_id == 2


def test_ordered_falls_through_to_the_next_service_when_the_first_is_empty():
    pool = [cand(1, "C", 20), cand(2, "B", 30), cand(3, "D", 0)]
    assert choose_next(pool, ["A", "B", "C"], "ordered", NOW).step_id == 2


def test_ordered_calls_the_oldest_ticket_within_a_service():
    pool = [cand(1, "A", 20), cand(2, "A", 10), cand(3, "B", 0)]
    assert choose_next(pool, ["A", "B"], "ordered", NOW).step_id == 2


def test_ordered_queue_lists_service_by_service_oldest_first():
    pool = [cand(1, "B", 0), cand(2, "A", 20), cand(3, "B", 5), cand(4, "A", 10)]
    assert ids(queue_order(pool, ["A", "B"], "ordered", NOW)) == [4, 2, 1, 3]


# --- sla --------------------------------------------------------------------------------------


def test_sla_calls_the_step_that_used_the_largest_fraction_of_its_target():
    # At NOW (minute 60): step 1 waited 40 of 60 (0.67); step 2 waited 20 of 15 (1.33).
    pool = [cand(1, "A", 20, target=60), cand(2, "B", 40, target=15)]
    assert choose_next(pool, ["A", "B"], "sla", NOW).step_id == 2


def test_sla_can_prefer_a_later_ticket_that_oldest_would_not():
    pool = [cand(1, "A", 20, target=60), cand(2, "B", 40, target=15)]
    assert choose_next(pool, ["A", "B"], "oldest", NOW).step_id == 1
    assert choose_next(pool, ["A", "B"], "sla", NOW).step_id == 2


def test_sla_measures_the_wait_of_this_step_not_of_the_whole_ticket():
    # Step 1's ticket is old but it only started waiting at minute 55 (a transfer).
    pool = [cand(1, "A", 0, waiting=55, target=30), cand(2, "A", 30, target=30)]
    assert choose_next(pool, ["A"], "sla", NOW).step_id == 2


def test_sla_with_equal_targets_calls_the_longest_wait():
    pool = [cand(1, "A", 30), cand(2, "B", 10), cand(3, "A", 20)]
    assert ids(queue_order(pool, ["A", "B"], "sla", NOW)) == [2, 3, 1]


def test_sla_breaks_an_equal_fraction_by_the_older_ticket():
    # 30 of 60 and 15 of 30 are both half; step 2's ticket is older.
    pool = [cand(1, "A", 30, target=60), cand(2, "B", 0, waiting=45, target=30)]
    assert choose_next(pool, ["A", "B"], "sla", NOW).step_id == 2


def test_sla_does_not_divide_by_zero_on_a_zero_target():
    pool = [cand(1, "A", 10, target=0), cand(2, "B", 0, target=30)]
    assert choose_next(pool, ["A", "B"], "sla", NOW).step_id == 1


# --- priority ---------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", list(Policy))
def test_a_priority_ticket_goes_before_a_normal_ticket_issued_a_little_earlier(policy):
    pool = [cand(1, "A", 0), cand(2, "A", 10, priority=True)]
    assert choose_next(pool, ["A"], policy, at(15)).step_id == 2


def test_among_priority_tickets_the_oldest_goes_first():
    pool = [cand(1, "A", 10, priority=True), cand(2, "A", 5, priority=True), cand(3, "A", 0)]
    assert ids(queue_order(pool, ["A"], "oldest", at(20))) == [2, 1, 3]


def test_a_normal_ticket_that_waited_longer_than_the_lead_goes_before_a_new_priority_ticket():
    normal = cand(1, "A", 0)
    late_priority = cand(2, "A", LEAD + 1, priority=True)
    now = at(LEAD + 2)
    assert choose_next([normal, late_priority], ["A"], "oldest", now, LEAD).step_id == 1


def test_the_lead_is_configurable_per_call():
    pool = [cand(1, "A", 0), cand(2, "A", 10, priority=True)]
    assert choose_next(pool, ["A"], "oldest", at(15), priority_lead_minutes=5).step_id == 1
    assert choose_next(pool, ["A"], "oldest", at(15), priority_lead_minutes=15).step_id == 2


def test_a_lead_of_zero_treats_priority_tickets_like_normal_ones():
    pool = [cand(1, "A", 0), cand(2, "A", 1, priority=True)]
    assert choose_next(pool, ["A"], "oldest", at(5), priority_lead_minutes=0).step_id == 1


def test_the_default_lead_is_one_hour():
    assert DEFAULT_PRIORITY_LEAD_MIN == 60.0
    pool = [cand(1, "A", 0), cand(2, "A", 59, priority=True)]
    assert choose_next(pool, ["A"], "oldest", at(61)).step_id == 2
    pool = [cand(1, "A", 0), cand(2, "A", 61, priority=True)]
    assert choose_next(pool, ["A"], "oldest", at(62)).step_id == 1


@pytest.mark.parametrize("policy", ["oldest", "ordered"])
@pytest.mark.parametrize("arrivals", [1, 10, 1000])
def test_no_number_of_priority_arrivals_after_the_lead_starves_a_normal_ticket(policy, arrivals):
    normal = cand(1, "A", 0)
    priorities = [cand(100 + i, "A", LEAD + 0.01 * (i + 1), priority=True) for i in range(arrivals)]
    now = at(LEAD + 0.01 * arrivals + 1)
    assert choose_next([*priorities, normal], ["A"], policy, now, LEAD).step_id == 1


@pytest.mark.parametrize("arrivals", [1, 10, 1000])
def test_the_bound_also_holds_under_sla_for_steps_with_the_same_target(arrivals):
    normal = cand(1, "A", 0, target=30)
    priorities = [
        cand(100 + i, "A", LEAD + 1 + 0.01 * i, priority=True, target=30) for i in range(arrivals)
    ]
    now = at(LEAD + 1 + 0.01 * arrivals)
    assert choose_next([*priorities, normal], ["A"], "sla", now, LEAD).step_id == 1


def test_a_normal_ticket_is_passed_over_only_by_priority_tickets_issued_within_the_lead():
    normal = cand(1, "A", 0)
    within = [cand(10 + i, "A", 10 * i + 5, priority=True) for i in range(5)]  # minutes 5..45
    after = [cand(20 + i, "A", LEAD + 1 + i, priority=True) for i in range(5)]  # minutes 61..65
    order = ids(queue_order([*after, normal, *within], ["A"], "oldest", at(70), LEAD))
    assert order == [10, 11, 12, 13, 14, 1, 20, 21, 22, 23, 24]


def test_calling_repeatedly_while_priority_tickets_keep_arriving_still_reaches_the_normal_ticket():
    # A priority ticket arrives every minute forever; the counter calls one step per minute.
    waiting = [cand(1, "A", 0)]
    for minute in range(1, 500):
        waiting.append(cand(1000 + minute, "A", minute, priority=True))
        chosen = choose_next(waiting, ["A"], "oldest", at(minute), LEAD)
        waiting.remove(chosen)
        if chosen.step_id == 1:
            break
    else:
        pytest.fail("the normal ticket was starved")
    assert minute <= LEAD + 1


def test_priority_under_ordered_does_not_jump_ahead_of_the_counters_first_service():
    pool = [cand(1, "A", 30), cand(2, "B", 0, priority=True)]
    assert choose_next(pool, ["A", "B"], "ordered", NOW).step_id == 1


def test_priority_under_sla_adds_the_lead_to_the_elapsed_wait():
    # Normal waited 20 of 30; priority waited 1 (+60 lead) of 30.
    pool = [cand(1, "A", 40), cand(2, "A", 59, priority=True)]
    assert choose_next(pool, ["A"], "sla", NOW, LEAD).step_id == 2
    assert choose_next(pool, ["A"], "sla", NOW, 10).step_id == 1


# --- queue_order ------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", list(Policy))
def test_queue_order_starts_with_the_step_choose_next_would_call(policy):
    pool = [
        cand(1, "A", 0, target=60),
        cand(2, "B", 10, target=10),
        cand(3, "A", 25, priority=True),
        cand(4, "B", 40, target=5),
        cand(5, "C", 0),
    ]
    order = queue_order(pool, ["A", "B"], policy, NOW)
    assert order[0] == choose_next(pool, ["A", "B"], policy, NOW)


@pytest.mark.parametrize("policy", list(Policy))
def test_queue_order_is_the_sequence_of_repeated_calls_when_nobody_arrives(policy):
    pool = [
        cand(1, "A", 0, target=60),
        cand(2, "B", 10, target=10),
        cand(3, "A", 25, priority=True),
        cand(4, "B", 40, target=5),
        cand(5, "A", 45),
        cand(6, "B", 50, priority=True, target=20),
    ]
    remaining, called = list(pool), []
    while remaining:
        nxt = choose_next(remaining, ["A", "B"], policy, NOW)
        called.append(nxt)
        remaining.remove(nxt)
    assert queue_order(pool, ["A", "B"], policy, NOW) == called


def test_queue_order_leaves_out_services_the_counter_does_not_serve():
    pool = [cand(1, "A", 10), cand(2, "C", 0), cand(3, "B", 5)]
    assert ids(queue_order(pool, ["A", "B"], "oldest", NOW)) == [3, 1]


def test_queue_order_of_an_empty_pool_is_empty():
    assert queue_order([], ["A"], "oldest", NOW) == []


def test_queue_order_of_oldest_is_by_issue_time():
    pool = [cand(1, "A", 30), cand(2, "B", 10), cand(3, "A", 20)]
    assert ids(queue_order(pool, ["A", "B"], "oldest", NOW)) == [2, 3, 1]


@pytest.mark.parametrize(("normal_target", "priority_target"), [(30, 30), (60, 15), (15, 60)])
def test_under_sla_the_bound_scales_with_the_ratio_of_the_targets(normal_target, priority_target):
    # A fresh priority step counts as lead/priority_target used; a normal step that used more
    # than that (waited longer than lead * normal_target / priority_target) goes first.
    bound = LEAD * normal_target / priority_target
    normal = cand(1, "A", 0, target=normal_target)

    def first_at(minute):
        fresh = [
            cand(100 + i, "B", minute, priority=True, target=priority_target) for i in range(50)
        ]
        return choose_next([*fresh, normal], ["A", "B"], "sla", at(minute), LEAD).step_id

    assert first_at(bound + 1) == 1
    assert first_at(bound - 1) != 1
