"""Ticket step states and the one transition function that guards every change (SPEC §2.1)."""

from enum import StrEnum

from core.errors import IllegalTransition


class State(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"


class Action(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no-show"
    REINSTATE = "reinstate"
    HOLD = "hold"
    RESUME = "resume"
    CANCEL = "cancel"
    TRANSFER = "transfer"


# The event-log name of each action: a fact in the past tense.
EVENT_OF = {
    Action.CALL: "called",
    Action.RECALL: "recalled",
    Action.START: "started",
    Action.FINISH: "finished",
    Action.NO_SHOW: "no_show",
    Action.REINSTATE: "reinstated",
    Action.HOLD: "held",
    Action.RESUME: "resumed",
    Action.CANCEL: "cancelled",
    Action.TRANSFER: "transferred",
}

S = State
TRANSITIONS: dict[tuple[State, Action], State] = {
    (S.WAITING, Action.CALL): S.CALLED,
    (S.CALLED, Action.RECALL): S.CALLED,
    (S.CALLED, Action.START): S.SERVING,
    (S.SERVING, Action.FINISH): S.DONE,
    (S.CALLED, Action.NO_SHOW): S.NO_SHOW,
    (S.NO_SHOW, Action.REINSTATE): S.WAITING,
    (S.WAITING, Action.HOLD): S.ON_HOLD,
    (S.CALLED, Action.HOLD): S.ON_HOLD,
    (S.SERVING, Action.HOLD): S.ON_HOLD,
    (S.ON_HOLD, Action.RESUME): S.WAITING,
    (S.WAITING, Action.CANCEL): S.CANCELLED,
    (S.CALLED, Action.TRANSFER): S.TRANSFERRED,
    (S.SERVING, Action.TRANSFER): S.TRANSFERRED,
}

# States in which a step still belongs to the live queue of the day.
ACTIVE = frozenset({S.WAITING, S.CALLED, S.SERVING, S.ON_HOLD})
# States that end a step for good (no_show can still be reinstated the same day).
FINAL = frozenset({S.DONE, S.CANCELLED, S.TRANSFERRED})
# States in which a step occupies a counter.
AT_COUNTER = frozenset({S.CALLED, S.SERVING})


def transition(state: State | str, action: Action | str) -> State:
    """Return the state that ``action`` leads to from ``state``, or raise IllegalTransition."""
    try:
        current, act = State(state), Action(action)
    except ValueError as exc:
        raise IllegalTransition(f"unknown state or action: {state!r}, {action!r}") from exc
    try:
        return TRANSITIONS[(current, act)]
    except KeyError:
        raise IllegalTransition(
            f"cannot {act.value} a ticket that is {current.value}",
            state=current.value,
            action=act.value,
        ) from None


def allowed_actions(state: State | str) -> list[Action]:
    """Every action that is legal from ``state``, in the table's order."""
    current = State(state)
    return [act for (st, act) in TRANSITIONS if st == current]
