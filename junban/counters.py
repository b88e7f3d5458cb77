"""The clerk's actions at a counter (SPEC §2.1, §2.3): call, recall, start, finish, no-show,
reinstate, hold, resume, transfer — every change through core.states.transition."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.businessday import business_day
from core.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound
from core.policy import choose_next
from core.states import AT_COUNTER, EVENT_OF, Action, State, transition
from junban import realtime
from junban.db import begin_write
from junban.estimates import waiting_candidates
from junban.models import Counter, CounterLog, Event, Office, Staff, Step, Ticket
from junban.offices import get_service
from junban.queues import get_ticket

COUNTER_STATES = ("open", "paused", "closed")


@dataclass
class Outcome:
    counter: Counter
    step: Step | None  # the step acted on (None: nothing to call)
    event: str | None
    next_step: Step | None = None  # a step opened by transfer or by a planned chain


def _lock_counter(session: Session, counter_id: int, staff: Staff) -> Counter:
    counter = session.get(Counter, counter_id, with_for_update=True)
    if counter is None:
        raise NotFound(f"no counter {counter_id}")
    if staff.role != "admin" and counter.office not in staff.offices:
        raise Forbidden("you are not assigned to this counter's office")
    return counter


def current_step(session: Session, counter: Counter) -> Step | None:
    """The step called to or served at ``counter`` (at most one at a time)."""
    return session.scalars(
        select(Step).where(Step.counter_id == counter.id,
                           Step.state.in_([s.value for s in AT_COUNTER]))
        .order_by(Step.called_at.desc())
    ).first()


def _log(session, step: Step, kind: str, counter: Counter | None, staff: Staff | None,
         now: datetime, **data) -> None:
    session.add(Event(at=now, kind=kind, office_id=step.office_id, service_id=step.service_id,
                      ticket_id=step.ticket_id, step_id=step.id,
                      counter_id=counter.id if counter else None,
                      staff_id=staff.id if staff else None, data=data))


def _log_counter(session: Session, counter: Counter, staff: Staff, now: datetime) -> None:
    session.add(CounterLog(at=now, office_id=counter.office_id, counter_id=counter.id,
                           state=counter.state, staff_id=staff.id))


def take_counter(session: Session, counter_id: int, staff: Staff, now: datetime) -> Counter:
    """A clerk takes a counter: it opens with them at it."""
    begin_write(session)
    counter = _lock_counter(session, counter_id, staff)
    counter.staff_id, counter.state = staff.id, "open"
    _log_counter(session, counter, staff, now)
    session.commit()
    realtime.queue_changed(session, counter.office, now)
    return counter


def set_counter_state(session: Session, counter_id: int, staff: Staff, state: str,
                      now: datetime) -> Counter:
    """Open, pause or close a counter; closing requires no ticket at the counter."""
    if state not in COUNTER_STATES:
        raise InvalidInput(f"counter state must be one of {', '.join(COUNTER_STATES)}")
    begin_write(session)
    counter = _lock_counter(session, counter_id, staff)
    if state == "closed" and current_step(session, counter) is not None:
        raise IllegalTransition("finish, hold or transfer the current ticket before closing")
    counter.state = state
    counter.staff_id = None if state == "closed" else staff.id
    _log_counter(session, counter, staff, now)
    session.commit()
    realtime.queue_changed(session, counter.office, now)
    return counter


def _claim(session: Session, step_id: int, counter: Counter, staff: Staff, now: datetime) -> bool:
    """Move one waiting step to called at ``counter``, only if it is still waiting."""
    result = session.execute(
        update(Step)
        .where(Step.id == step_id, Step.state == State.WAITING.value)
        .values(state=State.CALLED.value, counter_id=counter.id, staff_id=staff.id,
                called_at=now, version=Step.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _ready_to_call(session: Session, counter: Counter) -> None:
    if counter.state != "open":
        raise IllegalTransition(f"counter {counter.name} is {counter.state}; open it first")
    busy = current_step(session, counter)
    if busy is not None:
        raise IllegalTransition(
            f"ticket {busy.ticket.display_number} is still at this counter: "
            "finish, hold, mark no-show or transfer it first")


def call_next(session: Session, counter_id: int, staff: Staff, now: datetime) -> Outcome:
    """Call the step the counter's policy picks; two counters never get the same step."""
    begin_write(session)
    counter = _lock_counter(session, counter_id, staff)
    _ready_to_call(session, counter)
    office = counter.office
    pool = waiting_candidates(session, office, now)
    while True:
        choice = choose_next(pool, counter.service_codes, counter.policy, now,
                             office.priority_lead_minutes)
        if choice is None:
            session.rollback()
            return Outcome(counter, None, None)
        if _claim(session, choice.step_id, counter, staff, now):
            break
        pool.remove(choice)  # another counter took it between our read and our update
    step = session.get(Step, choice.step_id, populate_existing=True)
    _log(session, step, "called", counter, staff, now)
    session.commit()
    realtime.step_changed(session, step, "called", now)
    return Outcome(counter, step, "called")


def _ticket_step(session: Session, office: Office, token: str) -> Step:
    ticket = session.scalar(select(Ticket).where(Ticket.token == token,
                                                 Ticket.office_id == office.id))
    if ticket is None:
        raise NotFound("no such ticket at this office")
    return ticket.current_step


def find_ticket_step(session: Session, office: Office, ref: str, now: datetime) -> Step:
    """Today's current step of a ticket by token or by its display number ("A012")."""
    ticket = session.scalar(
        select(Ticket).where(Ticket.office_id == office.id,
                             Ticket.business_day == business_day(now),
                             Ticket.display_number == ref.strip().upper())
        .order_by(Ticket.id.desc()))
    if ticket is not None:
        return ticket.current_step
    return _ticket_step(session, office, ref.strip())


def call_ticket(session: Session, counter_id: int, staff: Staff, ref: str,
                now: datetime) -> Outcome:
    """Call a specific waiting ticket out of the policy's order; the log says so."""
    begin_write(session)
    counter = _lock_counter(session, counter_id, staff)
    _ready_to_call(session, counter)
    step = find_ticket_step(session, counter.office, ref, now)
    transition(step.state, Action.CALL)
    if not _claim(session, step.id, counter, staff, now):
        raise Conflict("this ticket was just called at another counter")
    session.refresh(step)
    _log(session, step, "called", counter, staff, now, out_of_order=True)
    session.commit()
    realtime.step_changed(session, step, "called", now)
    return Outcome(counter, step, "called")


def _target(session: Session, counter: Counter, action: Action, ref: str | None,
            now: datetime) -> Step:
    if ref:
        step = find_ticket_step(session, counter.office, ref, now)
    elif action is Action.RESUME:
        step = session.scalars(select(Step).where(Step.counter_id == counter.id,
                                                  Step.state == State.ON_HOLD.value)
                               .order_by(Step.id)).first()
    else:
        step = current_step(session, counter)
    if step is None:
        what = "no ticket on hold at this counter" if action is Action.RESUME else \
            "no ticket at this counter"
        raise IllegalTransition(f"cannot {action.value}: {what}")
    if step.state in AT_COUNTER and step.counter_id != counter.id:
        raise Conflict(f"ticket {step.ticket.display_number} is at another counter")
    return step


def _open_step(session: Session, step: Step, service_id: int, now: datetime) -> Step:
    nxt = Step(ticket_id=step.ticket_id, seq=step.seq + 1, office_id=step.office_id,
               service_id=service_id, business_day=step.business_day, state="waiting",
               priority=step.priority, order_at=step.order_at, queued_at=now)
    session.add(nxt)
    session.flush()
    return nxt


def _apply(session, step: Step, action: Action, counter: Counter, staff: Staff,
           now: datetime, service: str | None) -> tuple[Step | None, dict]:
    """Set the step's new state and times; return a newly opened step and event data."""
    step.state = transition(step.state, action).value
    data: dict = {}
    nxt = None
    if action is Action.RECALL:
        step.recall_count += 1
        data["recall"] = step.recall_count
    elif action is Action.START:
        step.started_at = now
    elif action in (Action.FINISH, Action.NO_SHOW, Action.TRANSFER):
        step.ended_at = now
    elif action is Action.HOLD:
        step.counter_id = counter.id
    elif action in (Action.RESUME, Action.REINSTATE):
        step.counter_id, step.called_at, step.started_at, step.ended_at = None, None, None, None
        step.queued_at = now
    if action is Action.TRANSFER:
        target = get_service(counter.office, service or "")
        if target.id == step.service_id:
            raise InvalidInput("transfer to a different service")
        nxt = _open_step(session, step, target.id, now)
        data["to"] = target.code
    elif action is Action.FINISH and step.ticket.planned:
        planned = list(step.ticket.planned)
        target = get_service(counter.office, planned.pop(0))
        step.ticket.planned = planned
        nxt = _open_step(session, step, target.id, now)
        data["next"] = target.code
    return nxt, data


def act(session: Session, counter_id: int, staff: Staff, action: str, now: datetime,
        ref: str | None = None, service: str | None = None) -> Outcome:
    """Apply a clerk's action to the counter's current ticket (or the one named by ``ref``)."""
    try:
        act_ = Action(action)
    except ValueError:
        raise NotFound(f"no counter action {action!r}") from None
    if act_ in (Action.CALL, Action.CANCEL):
        raise InvalidInput(f"use the {act_.value} endpoint")
    if act_ is Action.TRANSFER and not service:
        raise InvalidInput("transfer needs the target service")
    begin_write(session)
    counter = _lock_counter(session, counter_id, staff)
    step = _target(session, counter, act_, ref, now)
    nxt, data = _apply(session, step, act_, counter, staff, now, service)
    event = EVENT_OF[act_]
    _log(session, step, event, counter, staff, now, **data)
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict("this ticket was changed at the same moment; try again") from None
    realtime.step_changed(session, step, event, now)
    return Outcome(counter, step, event, nxt)


def cancel_ticket(session: Session, token: str, now: datetime) -> Step:
    """The resident cancels a waiting ticket from their phone."""
    begin_write(session)
    step = get_ticket(session, token, now).current_step
    step.state = transition(step.state, Action.CANCEL).value
    step.ended_at = now
    _log(session, step, "cancelled", None, None, now)
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict("the ticket was just called; it can no longer be cancelled") from None
    realtime.step_changed(session, step, "cancelled", now)
    return step
