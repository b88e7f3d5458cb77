"""The wait estimate (core/estimate.py) on hand-made queues whose answer is known, the learners
on hand-made history, the conditional time left of a step in service, and the rounding shown to
residents."""

import math
import random
from datetime import date, datetime, timedelta
from statistics import NormalDist

import pytest

from core.businessday import TOKYO
from core.estimate import (
    HORIZON_MIN,
    CounterState,
    Estimate,
    Quantiles,
    ServiceModel,
    StepSample,
    _remaining,
    estimate_queue,
    learn_models,
    replay_quantiles,
)
from core.policy import Candidate

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)
DAY = date(2026, 11, 17)
EXACT = {"a": ServiceModel(mean_min=10, spread=0), "b": ServiceModel(mean_min=5, spread=0)}
ONE_A = [CounterState(1, ("a",))]


def step(step_id, service="a", minutes_ago=60.0, priority=False):
    """A waiting step whose ticket was issued ``minutes_ago`` before NOW."""
    at = NOW - timedelta(minutes=minutes_ago)
    return Candidate(step_id, service, at, at, priority, 30.0, step_id)


def line(n, service="a", first_id=1, oldest_minutes_ago=60.0):
    """``n`` steps of ``service``, issued a minute apart, the oldest first."""
    return [step(first_id + i, service, oldest_minutes_ago - i) for i in range(n)]


def minutes(result, ids):
    return [result.steps[i].minutes for i in ids]


# --- exact queues -----------------------------------------------------------------------------


def test_one_free_counter_with_exact_times_calls_three_steps_at_zero_ten_and_twenty():
    r = estimate_queue(NOW, line(3), ONE_A, EXACT, {"a": 30})
    assert minutes(r, [1, 2, 3]) == [0, 10, 20]
    assert all(e.low == e.minutes == e.high for e in r.steps.values())
    assert r.new_ticket == {"a": Estimate(30, 30, 30)}


def test_two_counters_serving_the_same_service_halve_the_waits():
    counters = [CounterState(1, ("a",)), CounterState(2, ("a",))]
    r = estimate_queue(NOW, line(6), counters, EXACT, {"a": 30})
    assert minutes(r, range(1, 7)) == [0, 0, 10, 10, 20, 20]
    assert r.new_ticket["a"].minutes == 30


def test_a_counter_four_minutes_into_a_ten_minute_step_calls_the_first_waiting_step_in_six():
    busy = [CounterState(1, ("a",), busy_service="a", busy_elapsed_min=4.0)]
    r = estimate_queue(NOW, line(2), busy, EXACT, {"a": 30})
    assert minutes(r, [1, 2]) == [6, 16]
    assert r.new_ticket["a"].minutes == 26


def test_a_counter_on_a_break_calls_nobody_until_the_break_ends():
    r = estimate_queue(NOW, line(2), [CounterState(1, ("a",), free_in_min=25.0)], EXACT, {})
    assert minutes(r, [1, 2]) == [25, 35]


def test_a_priority_step_is_called_before_older_normal_steps_so_its_estimate_is_lower():
    waiting = line(3) + [step(9, minutes_ago=5, priority=True)]
    r = estimate_queue(NOW, waiting, ONE_A, EXACT, {})
    assert r.steps[9].minutes == 0
    assert minutes(r, [1, 2, 3]) == [10, 20, 30]


def test_a_priority_step_does_not_pass_normal_steps_issued_more_than_the_lead_before_it():
    waiting = line(2, oldest_minutes_ago=90) + [step(9, minutes_ago=5, priority=True)]
    r = estimate_queue(NOW, waiting, ONE_A, EXACT, {}, priority_lead_minutes=60)
    assert minutes(r, [1, 2, 9]) == [0, 10, 20]


def test_an_ordered_counter_serves_a_step_of_its_second_service_after_all_of_its_first():
    waiting = [step(9, "b", minutes_ago=90)] + line(3, "a")
    r = estimate_queue(NOW, waiting, [CounterState(1, ("a", "b"), "ordered")], EXACT, {})
    assert minutes(r, [1, 2, 3, 9]) == [0, 10, 20, 30]
    # Under "oldest" the same counter takes the older "b" step first.
    r = estimate_queue(NOW, waiting, [CounterState(1, ("a", "b"), "oldest")], EXACT, {})
    assert minutes(r, [9, 1, 2, 3]) == [0, 5, 15, 25]


def test_a_step_sent_on_from_the_counter_keeps_its_tickets_place_ahead_of_later_tickets():
    models = {"a": ServiceModel(mean_min=10, spread=0),
              "b": ServiceModel(mean_min=5, spread=0, transfers=(("a", 1.0),))}
    busy = [CounterState(1, ("a", "b"), busy_service="b", busy_elapsed_min=0.0,
                         busy_order_at=NOW - timedelta(hours=2))]
    r = estimate_queue(NOW, line(2), busy, models, {})
    # Free at 5, serves the sent-on step (issued two hours ago) until 15, then the line.
    assert minutes(r, [1, 2]) == [15, 25]


# --- services nobody serves, and the horizon --------------------------------------------------


def test_a_service_no_counter_serves_gets_no_estimate_and_no_new_ticket_estimate():
    waiting = line(2, "a") + line(2, "c", first_id=10)
    r = estimate_queue(NOW, waiting, ONE_A, EXACT, {"a": 30, "c": 30})
    assert set(r.steps) == {1, 2}
    assert set(r.new_ticket) == {"a"}
    assert r.new_ticket["a"].minutes == 20  # the "c" steps take no counter time


def test_a_service_no_counter_serves_is_left_out_of_the_replays_rather_than_set_at_the_horizon():
    q = replay_quantiles(NOW, line(2, "c", first_id=10), ONE_A, EXACT, runs=5)
    assert q == {}
    q = replay_quantiles(NOW, line(1, "a") + line(1, "c", first_id=10), ONE_A, EXACT, runs=5)
    assert set(q) == {1}


def test_with_no_open_counter_nothing_is_estimated():
    assert replay_quantiles(NOW, line(2), [], EXACT, runs=5) == {}
    r = estimate_queue(NOW, line(2), [], EXACT, {"a": 30})
    assert r.steps == {} and r.new_ticket == {}


def test_a_step_not_called_within_the_horizon_is_replayed_at_the_horizon_and_not_shown():
    away = [CounterState(1, ("a",), free_in_min=HORIZON_MIN + 60)]
    q = replay_quantiles(NOW, line(1), away, EXACT, runs=5)
    assert q[1].median == q[1].low == q[1].high == HORIZON_MIN
    r = estimate_queue(NOW, line(1), away, EXACT, {"a": 30}, runs=5)
    assert r.steps == {} and r.new_ticket == {}


# --- spread, monotony, no-shows ---------------------------------------------------------------


@pytest.fixture(scope="module")
def spread_line():
    models = {"a": ServiceModel(mean_min=10, spread=0.5)}
    return replay_quantiles(NOW, line(8), ONE_A, models, runs=300, seed=1)


def test_with_spread_the_ten_to_ninety_percent_range_brackets_the_median(spread_line):
    for q in spread_line.values():
        assert q.low <= q.median <= q.high


def test_with_spread_the_range_widens_further_back_in_the_queue(spread_line):
    widths = [spread_line[i].high - spread_line[i].low for i in range(1, 9)]
    assert widths[0] == 0  # the head of the line is called now, whatever the spread
    assert all(b > a for a, b in zip(widths[1:], widths[2:], strict=False))
    assert all(w > 0 for w in widths[1:])


def test_under_oldest_the_estimates_grow_with_the_place_in_the_queue(spread_line):
    medians = [spread_line[i].median for i in range(1, 9)]
    assert all(b > a for a, b in zip(medians, medians[1:], strict=False))
    assert medians[4] == pytest.approx(40, rel=0.15)  # four ten-minute steps ahead


def test_the_rounded_estimates_keep_the_median_inside_its_range():
    models = {"a": ServiceModel(mean_min=10, spread=0.5)}
    r = estimate_queue(NOW, line(8), ONE_A, models, {"a": 30}, runs=200)
    ests = [r.steps[i] for i in range(1, 9)]
    assert all(e.low <= e.minutes <= e.high for e in ests)
    assert [e.minutes for e in ests] == sorted(e.minutes for e in ests)
    assert r.new_ticket["a"].minutes >= ests[-1].minutes


def test_residents_who_do_not_answer_shorten_the_wait_of_the_fifth_step():
    def fifth(no_show):
        models = {"a": ServiceModel(mean_min=10, spread=0.3, no_show=no_show, no_show_min=2)}
        return replay_quantiles(NOW, line(5), ONE_A, models, runs=200)[5].median

    without, with_half = fifth(0.0), fifth(0.5)
    assert without == pytest.approx(40, rel=0.1)
    assert with_half < without - 10  # about 4 × (5 + 1) = 24 minutes


# --- learning ---------------------------------------------------------------------------------


def sample(service="a", *, hour=10.0, state="done", first=True, priority=False, busy=10.0,
           day=DAY, next_service=None):
    return StepSample(service, day, hour, state, first, priority, busy, next_service)


def lognormal_draws(n, mean, cv, seed):
    rng = random.Random(seed)
    s2 = math.log1p(cv * cv)
    return [rng.lognormvariate(math.log(mean) - s2 / 2, math.sqrt(s2)) for _ in range(n)]


def test_learning_recovers_a_services_mean_time_from_lognormal_history():
    samples = [sample(busy=x) for x in lognormal_draws(500, 12.0, 0.5, seed=3)]
    m = learn_models(samples, hour=10.0, defaults={"a": 5.0})["a"]
    assert m.mean_min == pytest.approx(12.0, rel=0.1)
    assert m.spread == pytest.approx(0.5, rel=0.15)


def test_learning_fits_the_hour_asked_for_rather_than_the_whole_day():
    samples = [sample(hour=9.0, busy=x) for x in lognormal_draws(1000, 5.0, 0.4, seed=4)]
    samples += [sample(hour=15.0, busy=x) for x in lognormal_draws(1000, 20.0, 0.4, seed=5)]
    models_9 = learn_models(samples, hour=9.0, defaults={"a": 8.0})
    models_15 = learn_models(samples, hour=15.0, defaults={"a": 8.0})
    assert models_9["a"].mean_min < 6.0 < 17.0 < models_15["a"].mean_min


def test_learning_recovers_the_no_show_share_of_called_steps():
    samples = [sample(state="no_show", busy=3.0) for _ in range(250)]
    samples += [sample() for _ in range(750)]
    samples += [sample(state="cancelled", busy=None) for _ in range(300)]  # never called
    m = learn_models(samples, hour=10.0, defaults={"a": 8.0})["a"]
    assert m.no_show == pytest.approx(0.25, abs=0.01)
    assert m.no_show_min == pytest.approx(3.0)


def test_learning_recovers_the_probability_of_being_sent_on_to_the_next_service():
    samples = [sample(state="transferred", next_service="b") for _ in range(40)]
    samples += [sample() for _ in range(60)]
    samples += [sample(state="no_show", busy=2.0) for _ in range(30)]  # not finished: not counted
    models = learn_models(samples, hour=10.0, defaults={"a": 8.0, "b": 8.0})
    assert models["a"].transfers == (("b", pytest.approx(0.4)),)
    assert models["b"].transfers == ()


def test_learning_counts_arrivals_per_minute_over_the_hour_and_a_half_either_side():
    days = [DAY, DAY + timedelta(days=1)]
    samples = []
    for d in days:
        samples += [sample(hour=8.5 + i / 45, day=d) for i in range(45)]  # 08:30–09:30, in
        samples += [sample(hour=11.5, day=d, priority=True) for _ in range(9)]  # edge, in
        samples += [sample(hour=11.6, day=d) for _ in range(30)]  # outside the window
        samples += [sample(hour=10.0, day=d, first=False) for _ in range(20)]  # sent on, no arrival
    m = learn_models(samples, hour=10.0, defaults={"a": 8.0})["a"]
    window = 3 * 60 * len(days)
    assert m.arrivals_per_min == pytest.approx(90 / window)
    assert m.priority_per_min == pytest.approx(18 / window)


def test_with_no_history_a_service_gets_its_default_time_and_no_arrivals():
    m = learn_models([], hour=10.0, defaults={"a": 7.0})["a"]
    assert m == ServiceModel(mean_min=7.0, spread=0.5, no_show=0.5 / 20, no_show_min=2.0,
                             transfers=(), priority_per_min=0.0, arrivals_per_min=0.0)


def test_a_short_history_moves_the_mean_only_part_of_the_way_from_the_default():
    m = learn_models([sample(busy=20.0), sample(busy=20.0)], hour=10.0,
                     defaults={"a": 7.0})["a"]
    assert 7.0 < m.mean_min < 13.5  # closer to the default than to the two samples


def test_a_service_without_a_default_is_learned_from_its_history_alone():
    models = learn_models([sample("z", busy=x) for x in lognormal_draws(300, 9.0, 0.4, 6)],
                          hour=10.0, defaults={"a": 7.0})
    assert set(models) == {"a", "z"}
    assert models["z"].mean_min == pytest.approx(9.0, rel=0.1)


# --- the time left of a step in service -------------------------------------------------------


def conditional_mean_left(mean, spread, elapsed):
    """E[X − e | X > e] for the lognormal X of ``ServiceModel(mean, spread)``."""
    mu, sigma = ServiceModel(mean_min=mean, spread=spread).log_params
    z = (math.log(elapsed) - mu) / sigma
    nd = NormalDist()
    return math.exp(mu + sigma * sigma / 2) * nd.cdf(sigma - z) / (1 - nd.cdf(z)) - elapsed


def mean_left(mean, spread, elapsed, n=20000, seed=7):
    rng = random.Random(seed)
    params = ServiceModel(mean_min=mean, spread=spread).log_params
    return sum(_remaining(rng, params, elapsed) for _ in range(n)) / n


def test_a_step_just_called_has_the_services_mean_time_left():
    assert mean_left(10.0, 0.5, 0.0) == pytest.approx(10.0, rel=0.03)


@pytest.mark.parametrize("elapsed", [4.0, 10.0, 30.0])
def test_the_time_left_follows_the_lognormal_conditioned_on_the_time_already_taken(elapsed):
    assert mean_left(10.0, 0.5, elapsed) == pytest.approx(
        conditional_mean_left(10.0, 0.5, elapsed), rel=0.04)


def test_a_step_that_has_already_taken_three_times_the_mean_still_has_time_left():
    rng = random.Random(8)
    params = ServiceModel(mean_min=10, spread=0.5).log_params
    draws = [_remaining(rng, params, 30.0) for _ in range(2000)]
    assert min(draws) > 0
    assert sum(draws) / len(draws) > 5.0  # the lognormal tail: long steps run on


def test_a_step_that_has_already_taken_very_long_still_has_time_left_and_more_of_it():
    rng = random.Random(9)
    params = ServiceModel(mean_min=10, spread=0.5).log_params

    def mean_left(elapsed):
        return sum(_remaining(rng, params, elapsed) for _ in range(2000)) / 2000

    assert min(_remaining(rng, params, 200.0) for _ in range(200)) > 0
    assert 9.0 < mean_left(150.0) < 16.0  # the conditional lognormal's mean residual ≈ 12
    assert mean_left(400.0) > mean_left(150.0)
    assert _remaining(rng, params, 1e9) > 0  # far beyond double precision: still time left


def test_with_zero_spread_the_time_left_is_the_mean_less_the_time_taken_and_never_negative():
    params = ServiceModel(mean_min=10, spread=0).log_params
    rng = random.Random(0)
    assert _remaining(rng, params, 4.0) == pytest.approx(6.0)
    assert _remaining(rng, params, 0.0) == pytest.approx(10.0)
    assert _remaining(rng, params, 14.0) == 0.0


# --- rounding for residents -------------------------------------------------------------------


def test_rounding_a_degenerate_range_keeps_float_noise_out_of_the_range():
    q = Quantiles(median=10.0000001, low=9.9999999, high=10.0000002, mean=10.0)
    assert q.rounded() == Estimate(10, 10, 10)


def test_rounding_widens_the_range_to_whole_minutes_and_rounds_the_median():
    assert Quantiles(median=12.4, low=7.3, high=18.2, mean=12.6).rounded() == Estimate(12, 7, 19)


def test_rounding_keeps_the_minutes_inside_the_rounded_range_even_for_an_outlying_median():
    assert Quantiles(median=9.7, low=2.2, high=8.4, mean=6.0).rounded() == Estimate(9, 2, 9)
    assert Quantiles(median=1.2, low=3.6, high=8.4, mean=6.0).rounded() == Estimate(3, 3, 9)


def test_rounding_always_gives_low_at_most_minutes_at_most_high_and_brackets_the_range():
    rng = random.Random(10)
    for _ in range(2000):
        low, median, high = sorted(rng.uniform(0, 120) for _ in range(3))
        e = Quantiles(median, low, high, median).rounded()
        assert e.low <= e.minutes <= e.high
        assert e.low <= low + 1e-6 and e.high >= high - 1e-6
        assert abs(e.minutes - median) <= 0.5
