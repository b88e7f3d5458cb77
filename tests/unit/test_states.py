"""The ticket step state machine of SPEC §2.1: one table, every other pair is illegal."""

import pytest

from core.errors import DomainError, IllegalTransition
from core.states import (
    ACTIVE,
    AT_COUNTER,
    EVENT_OF,
    FINAL,
    TRANSITIONS,
    Action,
    State,
    allowed_actions,
    transition,
)

# SPEC §2.1 written out by hand, independent of the table in core/states.py.
SPEC_LEGAL = [
    ("waiting", "call", "called"),
    ("called", "recall", "called"),
    ("called", "start", "serving"),
    ("serving", "finish", "done"),
    ("called", "no-show", "no_show"),
    ("no_show", "reinstate", "waiting"),
    ("waiting", "hold", "on_hold"),
    ("called", "hold", "on_hold"),
    ("serving", "hold", "on_hold"),
    ("on_hold", "resume", "waiting"),
    ("waiting", "cancel", "cancelled"),
    ("called", "transfer", "transferred"),
    ("serving", "transfer", "transferred"),
]
SPEC_PAIRS = {(state, action) for state, action, _ in SPEC_LEGAL}
ILLEGAL = [
    (state.value, action.value)
    for state in State
    for action in Action
    if (state.value, action.value) not in SPEC_PAIRS
]


def _id(pair):
    return "-".join(pair)


@pytest.mark.parametrize(("state", "action", "result"), SPEC_LEGAL, ids=_id)
def test_each_legal_action_leads_to_the_state_the_spec_names(state, action, result):
    assert transition(state, action) is State(result)


@pytest.mark.parametrize(("state", "action", "result"), SPEC_LEGAL, ids=_id)
def test_each_legal_action_also_accepts_the_enum_members(state, action, result):
    assert transition(State(state), Action(action)) is State(result)


def test_the_table_holds_exactly_the_transitions_of_the_spec_and_no_more():
    table = {(s.value, a.value, r.value) for (s, a), r in TRANSITIONS.items()}
    assert table == set(SPEC_LEGAL)


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=_id)
def test_every_other_action_is_refused_as_an_illegal_transition(state, action):
    with pytest.raises(IllegalTransition) as err:
        transition(state, action)
    assert err.value.code == "illegal_transition"
    assert err.value.details == {"state": state, "action": action}
    assert state in str(err.value) and action in str(err.value)


def test_the_illegal_pairs_cover_every_state_and_action_not_in_the_table():
    assert len(ILLEGAL) + len(SPEC_LEGAL) == len(State) * len(Action)


def test_an_illegal_transition_is_a_domain_error_the_app_maps_to_a_conflict():
    with pytest.raises(DomainError):
        transition("done", "call")


def test_a_finished_ticket_cannot_be_finished_twice():
    with pytest.raises(IllegalTransition):
        transition("done", "finish")


def test_a_waiting_ticket_cannot_be_started_without_being_called():
    with pytest.raises(IllegalTransition):
        transition("waiting", "start")


def test_a_called_ticket_cannot_be_cancelled_from_the_phone():
    with pytest.raises(IllegalTransition):
        transition("called", "cancel")


def test_a_no_show_can_only_be_reinstated():
    assert allowed_actions("no_show") == [Action.REINSTATE]


def test_a_recall_keeps_the_ticket_called():
    state = transition("waiting", "call")
    for _ in range(3):
        state = transition(state, "recall")
    assert state is State.CALLED


def test_the_happy_path_walks_from_waiting_to_done():
    state = State.WAITING
    for action in ("call", "start", "finish"):
        state = transition(state, action)
    assert state is State.DONE


def test_a_parked_ticket_returns_to_waiting_when_resumed():
    for start in ("waiting", "called", "serving"):
        assert transition(transition(start, "hold"), "resume") is State.WAITING


@pytest.mark.parametrize(
    ("state", "action"), [("lost", "call"), ("waiting", "teleport"), ("", "")], ids=_id
)
def test_an_unknown_state_or_action_is_refused_rather_than_guessed(state, action):
    with pytest.raises(IllegalTransition):
        transition(state, action)


ALLOWED = {
    "waiting": ["call", "hold", "cancel"],
    "called": ["recall", "start", "no-show", "hold", "transfer"],
    "serving": ["finish", "hold", "transfer"],
    "on_hold": ["resume"],
    "no_show": ["reinstate"],
    "done": [],
    "cancelled": [],
    "transferred": [],
}


@pytest.mark.parametrize(("state", "actions"), ALLOWED.items())
def test_allowed_actions_lists_exactly_the_legal_actions_in_table_order(state, actions):
    assert [a.value for a in allowed_actions(state)] == actions


@pytest.mark.parametrize("state", list(State))
def test_every_allowed_action_is_accepted_by_transition(state):
    for action in allowed_actions(state):
        transition(state, action)


def test_allowed_actions_accepts_a_state_member_or_its_value():
    assert allowed_actions(State.SERVING) == allowed_actions("serving")


def test_final_states_allow_no_action_at_all():
    for state in FINAL:
        assert allowed_actions(state) == []


def test_every_state_is_either_active_final_or_a_reinstatable_no_show():
    assert ACTIVE | FINAL | {State.NO_SHOW} == set(State)
    assert not ACTIVE & FINAL
    assert State.NO_SHOW not in ACTIVE | FINAL


def test_only_called_and_serving_steps_occupy_a_counter():
    assert AT_COUNTER == {State.CALLED, State.SERVING}
    assert AT_COUNTER <= ACTIVE


def test_every_action_has_a_past_tense_event_name_for_the_log():
    assert set(EVENT_OF) == set(Action)
    assert len(set(EVENT_OF.values())) == len(Action)
    assert EVENT_OF[Action.NO_SHOW] == "no_show"
    assert EVENT_OF[Action.TRANSFER] == "transferred"
