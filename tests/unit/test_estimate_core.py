"""The wait estimate (core/estimate.py) beyond the queue itself: arrivals during the wait,
counters' breaks learned and expected, the issuing cut-off, the season learned from.
(The queue replay and the service-time learner: test_estimate.py.)"""

from datetime import date, datetime, timedelta

from core.businessday import TOKYO
from core.estimate import (
    BreakSample,
    CounterState,
    ServiceModel,
    UsualBreak,
    estimate_queue,
    expected_breaks,
    learn_breaks,
    pauses_from_log,
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


def test_a_pause_counts_as_a_break_only_between_opening_and_reopening_the_same_day():
    def at(day, h, m=0):
        return datetime(2026, 11, day, h, m, tzinfo=TOKYO)

    log = [(1, at(23, 17, 30), "closed"), (1, at(24, 8, 30), "open"),  # overnight: no break
           (1, at(24, 12, 0), "paused"), (1, at(24, 12, 0), "closed"),  # one pause, two rows
           (1, at(24, 12, 45), "open"), (1, at(24, 17, 30), "closed"),  # closing: no break
           (2, at(24, 9, 0), "paused"), (2, at(24, 9, 30), "open")]  # never opened before
    assert pauses_from_log(log) == [BreakSample(1, date(2026, 11, 24), 12.0, 45.0)]
