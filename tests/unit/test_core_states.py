"""The ticket step state machine of SPEC §2.1: one table, everything else is illegal."""

import pytest

from core.errors import IllegalTransition
from core.states import EVENT_OF, FINAL, TRANSITIONS, Action, State, allowed_actions, transition

LEGAL = [
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
ILLEGAL = [(s, a) for s in State for a in Action if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize(("state", "action", "result"), LEGAL)
def test_each_legal_action_leads_to_the_state_of_the_table(state, action, result):
    assert transition(state, action) == State(result)


def test_the_table_holds_exactly_the_legal_transitions_of_the_spec():
    assert {(s.value, a.value) for s, a in TRANSITIONS} == {(s, a) for s, a, _ in LEGAL}


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_other_action_is_refused_as_an_illegal_transition(state, action):
    with pytest.raises(IllegalTransition) as err:
        transition(state, action)
    assert err.value.code == "illegal_transition"


def test_a_finished_ticket_cannot_be_finished_again():
    with pytest.raises(IllegalTransition):
        transition("done", "finish")


def test_a_called_ticket_cannot_be_cancelled_by_the_resident():
    with pytest.raises(IllegalTransition):
        transition("called", "cancel")


def test_final_states_allow_no_action_at_all():
    for state in FINAL:
        assert allowed_actions(state) == []


def test_allowed_actions_of_a_called_ticket_are_what_a_clerk_can_press():
    assert {a.value for a in allowed_actions("called")} == {
        "recall", "start", "no-show", "hold", "transfer"}


def test_unknown_states_or_actions_are_refused_not_guessed():
    with pytest.raises((IllegalTransition, ValueError)):
        transition("lost", "call")
    with pytest.raises((IllegalTransition, ValueError)):
        transition("waiting", "teleport")


def test_every_action_has_an_event_name_for_the_log():
    assert set(EVENT_OF) == set(Action)
