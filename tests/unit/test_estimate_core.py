"""The wait estimate (core/estimate.py) on hand-made queues whose answer is known, and its
learners on hand-made history."""

import random
from datetime import date, datetime, timedelta

from core.businessday import TOKYO
from core.estimate import (
    BreakSample,
    CounterState,
    ServiceModel,
    StepSample,
    UsualBreak,
    estimate_queue,
    expected_breaks,
    learn_breaks,
    learn_models,
    similar_days,
)
from core.policy import Candidate

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)
EXACT = {"a": ServiceModel(mean_min=10, spread=0), "b": ServiceModel(mean_min=5, spread=0)}


def _waiting(n, service="a", start=0, priority=False, minutes_ago=60):
    return [Candidate(start + i, service, NOW - timedelta(minutes=minutes_ago - i),
                      NOW - timedelta(minutes=minutes_ago - i), priority, 30, start + i)
            for i in range(n)]


def _minutes(result, ids):
    return [result.steps[i].minutes for i in ids]


def test_with_one_free_counter_and_exact_times_each_step_waits_for_those_ahead():
    r = estimate_queue(NOW, _waiting(3), [CounterState(1, ("a",))], EXACT, {"a": 30})
    assert _minutes(r, [0, 1, 2]) == [0, 10, 20]
    assert all(e.low == e.minutes == e.high for e in r.steps.values())
    assert r.new_ticket["a"].minutes == 30


def test_two_counters_halve_the_wait():
    counters = [CounterState(1, ("a",)), CounterState(2, ("a",))]
    r = estimate_queue(NOW, _waiting(5), counters, EXACT, {})
    assert _minutes(r, range(5)) == [0, 0, 10, 10, 20]


def test_a_step_in_service_for_four_of_its_ten_minutes_frees_the_counter_in_six():
    c = CounterState(1, ("a",), busy_service="a", busy_elapsed_min=4.0)
    r = estimate_queue(NOW, _waiting(2), [c], EXACT, {})
    assert _minutes(r, [0, 1]) == [6, 16]


def test_a_priority_ticket_goes_ahead_of_older_normal_tickets():
    waiting = _waiting(3) + _waiting(1, start=10, priority=True, minutes_ago=5)
    r = estimate_queue(NOW, waiting, [CounterState(1, ("a",))], EXACT, {})
    assert r.steps[10].minutes == 0
    assert _minutes(r, [0, 1, 2]) == [10, 20, 30]


def test_an_ordered_counter_serves_its_first_service_before_older_steps_of_its_second():
    waiting = _waiting(2, service="b", start=10, minutes_ago=90) + _waiting(2, service="a")
    r = estimate_queue(NOW, waiting, [CounterState(1, ("a", "b"), "ordered")], EXACT, {})
    assert _minutes(r, [0, 1, 10, 11]) == [0, 10, 20, 25]


def test_a_service_no_open_counter_serves_gets_no_estimate():
    r = estimate_queue(NOW, _waiting(2, service="b"), [CounterState(1, ("a",))], EXACT,
                       {"a": 30, "b": 30})
    assert r.steps == {} and "b" not in r.new_ticket and r.new_ticket["a"].minutes == 0


def test_the_range_brackets_the_estimate_and_widens_further_back_in_the_queue():
    models = {"a": ServiceModel(mean_min=10, spread=0.5)}
    r = estimate_queue(NOW, _waiting(12), [CounterState(1, ("a",))], models, {}, runs=300)
    ests = [r.steps[i] for i in range(12)]
    assert all(e.low <= e.minutes <= e.high for e in ests)
    assert [e.minutes for e in ests] == sorted(e.minutes for e in ests)
    assert ests[11].high - ests[11].low > ests[2].high - ests[2].low > 0


def test_residents_who_do_not_answer_the_call_shorten_the_wait_behind_them():
    def fifth(no_show):
        models = {"a": ServiceModel(mean_min=10, spread=0.3, no_show=no_show, no_show_min=2)}
        r = estimate_queue(NOW, _waiting(5), [CounterState(1, ("a",))], models, {}, runs=300)
        return r.steps[4].minutes

    assert fifth(0.5) < fifth(0.0) - 10


def test_priority_arrivals_push_back_the_wait_of_a_new_ticket():
    calm = {"a": ServiceModel(mean_min=10, spread=0)}
    busy = {"a": ServiceModel(mean_min=10, spread=0, priority_per_min=0.1)}
    counter = [CounterState(1, ("a",))]
    assert estimate_queue(NOW, _waiting(3), counter, busy, {"a": 30}, runs=200) \
        .new_ticket["a"].minutes > estimate_queue(NOW, _waiting(3), counter, calm, {"a": 30}) \
        .new_ticket["a"].minutes


def test_a_counter_due_for_lunch_leaves_when_next_free_and_the_queue_waits_for_it():
    c = CounterState(1, ("a",), break_in_min=5, break_min=60)
    r = estimate_queue(NOW, _waiting(2), [c], EXACT, {})
    assert _minutes(r, [0, 1]) == [0, 70]  # serves the first, lunches 10:10–11:10, then calls


def test_learning_recovers_a_services_mean_time_no_shows_transfers_and_arrival_rate():
    rng = random.Random(1)
    day = date(2026, 11, 17)
    samples = []
    for i in range(600):
        state = "no_show" if i % 20 == 0 else ("transferred" if i % 4 == 1 else "done")
        busy = 2.0 if state == "no_show" else rng.lognormvariate(2.4, 0.4)
        samples.append(StepSample("a", day, 8.5 + 8 * i / 600, state, True, i % 25 == 0, busy,
                                  "b" if state == "transferred" else None))
    m = learn_models(samples, hour=12.0, defaults={"a": 5.0, "b": 8.0})["a"]
    true_mean = 2.718281828 ** (2.4 + 0.4 ** 2 / 2)
    assert abs(m.mean_min - true_mean) / true_mean < 0.12
    assert 0.03 < m.no_show < 0.07
    assert m.transfers[0][0] == "b" and 0.2 < m.transfers[0][1] < 0.3
    per_min = 600 / (8 * 60)  # arrivals spread evenly over 8 hours
    assert abs(m.arrivals_per_min + m.priority_per_min - per_min) / per_min < 0.15


def test_with_no_history_a_service_keeps_its_configured_time():
    m = learn_models([], hour=10.0, defaults={"a": 12.0})["a"]
    assert m.mean_min == 12.0 and m.no_show < 0.05 and m.arrivals_per_min == 0


def test_a_counters_usual_break_is_learned_when_it_pauses_on_most_days_it_works():
    days = [date(2026, 11, d) for d in (2, 4, 5, 6, 9)]
    samples = [BreakSample(7, d, 12.0 + 0.1 * i, 60) for i, d in enumerate(days[:4])]
    samples += [BreakSample(8, days[0], 15.0, 10)]
    usual = learn_breaks(samples, {7: 5, 8: 5})
    assert set(usual) == {7}  # counter 8 paused once in five days: no usual break
    assert abs(usual[7].start_hour - 12.15) < 1e-9 and usual[7].minutes == 60


def test_a_paused_counter_is_back_when_its_usual_break_ends_and_unknown_without_one():
    usual = UsualBreak(12.0, 60)
    assert expected_breaks(usual, 12.5, 12.0, False) == (30.0, None)
    assert expected_breaks(None, 12.5, 12.0, False) is None
    assert expected_breaks(usual, 11.5, None, False) == (0.0, 30.0)
    assert expected_breaks(usual, 11.5, None, True) == (0.0, None)


def test_the_busy_season_learns_from_busy_days_once_there_are_enough_of_them():
    days = [date(2027, 3, 1) + timedelta(days=i) for i in range(30)]
    assert all(d.month == 3 and d.day >= 15 or d.month == 4
               for d in similar_days(days, date(2027, 3, 31)))
    assert similar_days(days[:16], date(2027, 3, 16)) == days[:16]  # one busy day: all of them


def test_no_ticket_arrives_after_the_issuing_cut_off():
    busy = {"a": ServiceModel(mean_min=10, spread=0, priority_per_min=0.5)}
    counter = [CounterState(1, ("a",))]
    r = estimate_queue(NOW, _waiting(3), counter, busy, {"a": 30}, runs=100, issue_until=NOW)
    assert r.new_ticket["a"].minutes == 30


def test_a_step_that_would_not_be_called_within_the_horizon_gets_no_estimate():
    # The only counter ranks "a" first and "a" tickets keep arriving all day: "b" starves.
    models = {"a": ServiceModel(mean_min=10, spread=0, arrivals_per_min=0.5),
              "b": ServiceModel(mean_min=10, spread=0)}
    counter = [CounterState(1, ("a", "b"), "ordered", busy_service="a")]
    r = estimate_queue(NOW, _waiting(1, service="b"), counter, models, {"b": 30}, runs=20)
    assert r.steps == {} and r.new_ticket == {}
