"""Invariants of the office simulator (core/simulator.py) on the default office: no step is
lost, time runs forward, every call is the real policy's choice, counters keep to their services,
one step at a time and their lunch hour, the same seed gives the same day, the load has the
expected shape, and every change of state goes through the real state machine."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest

import core.simulator as sim
from core.businessday import TOKYO
from core.errors import IllegalTransition
from core.policy import choose_next
from core.simulator import (
    BUSY_COUNTERS,
    DEFAULT_COUNTERS,
    DEFAULT_OFFICE,
    LUNCH_FROM_H,
    LUNCH_MIN,
    NO_SHOW_WAIT_MIN,
    simulate_day,
    simulate_days,
)
from core.states import Action

NORMAL_TUESDAY = date(2026, 10, 6)
MONDAY = date(2026, 10, 5)
BUSY_TUESDAY = date(2027, 3, 23)  # moving season, and the day after 春分の日 (observed)
BUSY_PLAIN_TUESDAY = date(2027, 3, 30)  # moving season, after an ordinary Monday
SEED = 11
TERMINAL = {"done", "transferred", "no_show"}
DAYS = {"normal": NORMAL_TUESDAY, "busy": BUSY_TUESDAY, "monday": MONDAY}


@pytest.fixture(scope="module", params=sorted(DAYS))
def record(request):
    return simulate_day(DAYS[request.param], seed=SEED)


def _chains(steps):
    chains = {}
    for s in sorted(steps, key=lambda s: s.step_id):
        chains.setdefault(s.ticket_id, []).append(s)
    return chains


def _tickets(day_record):
    return len({s.ticket_id for s in day_record.steps})


def _local(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


# --- conservation -----------------------------------------------------------------------------


def test_every_step_ends_done_transferred_or_no_show_or_is_still_waiting_uncalled(record):
    for s in record.steps:
        assert s.state in TERMINAL | {"waiting"}
        if s.state == "waiting":
            assert s.called_at is None and s.ended_at is None
        else:
            assert s.called_at is not None and s.ended_at is not None


def test_step_ids_are_consecutive_so_no_step_was_dropped(record):
    assert [s.step_id for s in record.steps] == list(range(1, len(record.steps) + 1))


def test_ticket_ids_are_consecutive_and_match_the_ticket_number(record):
    assert sorted({s.ticket_id for s in record.steps}) == list(range(1, _tickets(record) + 1))
    assert all(s.number == s.ticket_id for s in record.steps)


def test_each_ticket_is_a_chain_of_transferred_steps_ending_in_one_that_is_not(record):
    for steps in _chains(record.steps).values():
        *sent_on, last = steps
        assert all(s.state == "transferred" for s in sent_on)
        assert last.state != "transferred"


def test_a_transferred_step_is_followed_by_a_step_of_the_service_it_named(record):
    for steps in _chains(record.steps).values():
        for a, b in zip(steps, steps[1:], strict=False):
            assert a.transfer_to is not None and b.service == a.transfer_to
            assert (b.issued_at, b.priority) == (a.issued_at, a.priority)


def test_the_outcome_drawn_at_queueing_is_the_outcome_recorded(record):
    for s in record.steps:
        if s.no_show:
            assert s.state == "no_show"
        elif s.transfer_to:
            assert s.state == "transferred"
        else:
            assert s.state == "done"


def test_the_number_of_first_steps_equals_the_number_of_tickets(record):
    firsts = [s for s in record.steps if s.queued_at == s.issued_at]
    chains = _chains(record.steps)
    assert len(firsts) == _tickets(record) == len(chains)
    assert {s.step_id for s in firsts} == {steps[0].step_id for steps in chains.values()}


def test_the_observer_sees_every_step_queued_exactly_once_with_the_true_waiting_line():
    seen = []

    def observer(snap):
        seen.append((snap.step.step_id, snap.now, {c.step_id for c in snap.waiting}))

    day = simulate_day(NORMAL_TUESDAY, seed=SEED, observer=observer)
    assert [sid for sid, _, _ in seen] == [s.step_id for s in day.steps]
    for sid, now, waiting in seen:
        # Waiting at the instant a step is queued: queued by then and not called before.
        expected = {w.step_id for w in day.steps
                    if w.queued_at <= now and (w.called_at is None or w.called_at >= now)}
        assert day.steps[sid - 1].queued_at == now
        assert waiting == expected


# --- no time travel ---------------------------------------------------------------------------


def test_every_step_is_queued_then_called_then_started_then_ended(record):
    for s in record.steps:
        assert s.issued_at <= s.queued_at <= s.called_at <= s.ended_at
        if s.started_at is not None:
            assert s.called_at <= s.started_at <= s.ended_at


def test_a_no_show_is_never_started_and_holds_its_counter_for_the_recall_time(record):
    for s in record.steps:
        if s.state == "no_show":
            assert s.started_at is None
            assert s.ended_at - s.called_at == pytest.approx(
                timedelta(minutes=NO_SHOW_WAIT_MIN), abs=timedelta(microseconds=2))
        else:
            assert s.started_at is not None
            assert (s.ended_at - s.started_at).total_seconds() / 60 == pytest.approx(
                s.service_min, abs=1e-6)


def test_a_sent_on_step_is_queued_at_the_moment_its_predecessor_ended(record):
    for steps in _chains(record.steps).values():
        for a, b in zip(steps, steps[1:], strict=False):
            assert b.queued_at == a.ended_at


def test_residents_arrive_only_between_opening_and_the_issuing_cut_off(record):
    hours = DEFAULT_OFFICE.hours
    opens = datetime.combine(record.day, hours.opens, TOKYO)
    cut_off = datetime.combine(record.day, hours.issue_until, TOKYO)
    for steps in _chains(record.steps).values():
        assert opens <= steps[0].issued_at < cut_off
        assert steps[0].queued_at == steps[0].issued_at


# --- the calling policy and the counters ------------------------------------------------------


def test_every_call_is_the_step_the_real_calling_policy_picks_at_that_instant(record):
    """At a call at ``t`` by counter ``c`` the waiting line is: every step queued at or before
    ``t`` and called after ``t``, or called at ``t`` itself by ``c`` or by a counter after ``c``
    in the office's list (idle counters call one after another in that order, each removing its
    step from the line)."""
    position = {c.counter_id: i for i, c in enumerate(record.counters)}
    specs = {c.counter_id: c for c in record.counters}
    steps = sorted(record.steps, key=lambda s: s.queued_at)
    for s in record.steps:
        t, mine = s.called_at, position[s.counter_id]
        line = [w.candidate() for w in steps if w.queued_at <= t and (
            w.called_at > t or (w.called_at == t and position[w.counter_id] >= mine))]
        spec = specs[s.counter_id]
        chosen = choose_next(line, spec.services, spec.policy, t, DEFAULT_OFFICE.priority_lead_min)
        assert chosen is not None and chosen.step_id == s.step_id


def test_some_calls_go_to_a_priority_ticket_ahead_of_an_older_normal_one(record):
    """The check above is not vacuous: priority really reorders the line on these days."""
    jumped = 0
    for s in record.steps:
        if s.priority:
            jumped += any(w.service == s.service and not w.priority and w.issued_at < s.issued_at
                          and w.queued_at <= s.called_at < w.called_at for w in record.steps)
    assert jumped > 0


def test_a_counter_never_serves_a_service_it_does_not_list(record):
    specs = {c.counter_id: c for c in record.counters}
    for s in record.steps:
        assert s.service in specs[s.counter_id].services


def test_the_busy_season_opens_the_task_force_counters_and_a_normal_day_does_not():
    assert simulate_day(NORMAL_TUESDAY, seed=SEED).counters == DEFAULT_COUNTERS
    busy = simulate_day(BUSY_TUESDAY, seed=SEED)
    assert busy.counters == DEFAULT_COUNTERS + BUSY_COUNTERS
    assert {s.counter_id for s in busy.steps} >= {c.counter_id for c in BUSY_COUNTERS}


def test_a_counter_never_serves_two_steps_at_once(record):
    by_counter = {}
    for s in record.steps:
        by_counter.setdefault(s.counter_id, []).append(s)
    for steps in by_counter.values():
        steps.sort(key=lambda s: s.called_at)
        for a, b in zip(steps, steps[1:], strict=False):
            assert a.ended_at <= b.called_at


def test_every_counter_with_a_lunch_slot_takes_one_hour_long_break_and_others_none(record):
    lunching = sorted(c.counter_id for c in record.counters if c.lunch_slot is not None)
    assert sorted(b.counter_id for b in record.breaks) == lunching
    assert all(b.minutes == LUNCH_MIN for b in record.breaks)


def test_a_counter_goes_to_lunch_at_its_slot_or_as_soon_as_its_step_then_ends(record):
    slots = {c.counter_id: c.lunch_slot for c in record.counters}
    for b in record.breaks:
        due = _local(record.day, int(LUNCH_FROM_H) + slots[b.counter_id])
        serving = [s for s in record.steps
                   if s.counter_id == b.counter_id and s.called_at <= due < s.ended_at]
        expected = serving[0].ended_at if serving else due
        assert b.start == pytest.approx(expected, abs=timedelta(microseconds=2))


def test_a_counter_on_lunch_serves_nothing_for_at_least_sixty_minutes(record):
    for b in record.breaks:
        end = b.start + timedelta(minutes=LUNCH_MIN)
        mine = sorted((s for s in record.steps if s.counter_id == b.counter_id),
                      key=lambda s: s.called_at)
        before = [s for s in mine if s.ended_at <= b.start]
        after = [s for s in mine if s.called_at >= end - timedelta(microseconds=2)]
        assert len(before) + len(after) == len(mine)  # nothing overlaps the hour
        if before and after:
            gap = after[0].called_at - before[-1].ended_at
            assert gap >= timedelta(minutes=LUNCH_MIN) - timedelta(microseconds=2)


# --- reproducible -----------------------------------------------------------------------------


def test_the_same_seed_and_day_give_identical_records():
    assert simulate_day(NORMAL_TUESDAY, seed=3) == simulate_day(NORMAL_TUESDAY, seed=3)


def test_another_seed_gives_another_day():
    a, b = simulate_day(NORMAL_TUESDAY, seed=3), simulate_day(NORMAL_TUESDAY, seed=4)
    assert [s.queued_at for s in a.steps] != [s.queued_at for s in b.steps]


def test_simulate_days_skips_closed_days_and_repeats_simulate_day_for_each_open_one():
    # Friday 2026-10-09, then the weekend and スポーツの日 (Monday 12th): next is Tuesday 13th.
    days = simulate_days(date(2026, 10, 9), 2, seed=SEED)
    assert [d.day for d in days] == [date(2026, 10, 9), date(2026, 10, 13)]
    assert days[1] == simulate_day(date(2026, 10, 13), seed=SEED)
    assert days[1].factor == DEFAULT_OFFICE.after_holiday


# --- realistic shape --------------------------------------------------------------------------


def test_a_busy_season_day_has_more_tickets_than_a_normal_day_of_the_same_weekday():
    normal = simulate_day(NORMAL_TUESDAY, seed=SEED)
    busy = simulate_day(BUSY_PLAIN_TUESDAY, seed=SEED)
    assert normal.factor == busy.factor == 1.0  # the season alone makes the difference
    assert _tickets(busy) > 1.1 * _tickets(normal)
    moving = Counter(s.service for s in busy.steps)["idou"]
    assert moving > 1.5 * Counter(s.service for s in normal.steps)["idou"]


def test_mondays_bring_more_tickets_than_tuesdays_on_average_over_three_weeks():
    mondays = [date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 16)]
    tuesdays = [d + timedelta(days=1) for d in mondays]
    mon = sum(_tickets(simulate_day(d, seed=SEED)) for d in mondays) / 3
    tue = sum(_tickets(simulate_day(d, seed=SEED)) for d in tuesdays) / 3
    assert mon > 1.15 * tue


def test_more_residents_arrive_between_nine_and_eleven_than_between_three_and_five(record):
    firsts = [steps[0] for steps in _chains(record.steps).values()]
    morning = sum(1 for s in firsts if 9 <= s.issued_at.hour < 11)
    afternoon = sum(1 for s in firsts if 15 <= s.issued_at.hour < 17)
    assert morning > 1.5 * afternoon


# --- the real state machine -------------------------------------------------------------------


def test_every_call_start_and_end_goes_through_the_real_transition_function(monkeypatch):
    real = sim.transition
    actions = Counter()

    def counting(state, action):
        actions[Action(action)] += 1
        return real(state, action)

    monkeypatch.setattr(sim, "transition", counting)
    day = simulate_day(NORMAL_TUESDAY, seed=SEED)
    states = Counter(s.state for s in day.steps)
    assert actions[Action.CALL] == len(day.steps)
    assert actions[Action.START] == len(day.steps) - states["no_show"]
    assert actions[Action.FINISH] == states["done"]
    assert actions[Action.NO_SHOW] == states["no_show"]
    assert actions[Action.TRANSFER] == states["transferred"]
    assert sum(actions.values()) == len(day.steps) * 3 - states["no_show"]


def test_a_transition_the_state_machine_refuses_stops_the_simulation(monkeypatch):
    real = sim.transition

    def no_transfers(state, action):
        if Action(action) is Action.TRANSFER:
            raise IllegalTransition("transfers refused for this test")
        return real(state, action)

    monkeypatch.setattr(sim, "transition", no_transfers)
    with pytest.raises(IllegalTransition):
        simulate_day(NORMAL_TUESDAY, seed=SEED)
