"""The one place that pushes live events (SPEC §5 real-time), always after commit.

Rooms: ``office:<code>`` (displays, office pages, kiosks), ``counter:<id>`` (consoles),
``ticket:<token>`` (a resident's phone). Event names are facts: ``ticket_called``,
``ticket_left_counter``,
``queue_changed``, ``ticket_updated``, ``counter_changed``. With ``REDIS_URL`` set the emits go
through the Redis message queue and reach clients of every worker process and host.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from junban.extensions import socketio
from junban.models import Office, Step


def office_room(code: str) -> str:
    return f"office:{code}"


def counter_room(counter_id: int) -> str:
    return f"counter:{counter_id}"


def ticket_room(token: str) -> str:
    return f"ticket:{token}"


def _emit(event: str, payload: dict, room: str) -> None:
    if socketio.server is None:  # not bound to an app (bare scripts)
        return
    socketio.emit(event, payload, to=room)


def queue_payload(session: Session, office: Office, now: datetime, estimate=None) -> dict:
    """The ``queue_changed`` payload: per service, waiting count and a new ticket's estimate."""
    from junban.queues import services_status

    services = services_status(session, office, now, estimate=estimate)
    return {"office": office.code,
            "services": [{"code": s["code"], "waiting": s["waiting"], "estimate": s["estimate"],
                          "open": s["open"]} for s in services],
            "at": now.isoformat()}


def queue_changed(session: Session, office: Office, now: datetime) -> None:
    """Tell the office, its counters and every waiting ticket that the queue moved."""
    from junban.estimates import estimate_office, forget_estimate, waiting_steps
    from junban.queues import forget_status, positions

    forget_status(office)
    forget_estimate(office)

    estimate = estimate_office(session, office, now)
    _emit("queue_changed", queue_payload(session, office, now, estimate), office_room(office.code))
    steps = waiting_steps(session, office, now)
    ahead = positions(session, office, now, steps)
    for step in steps:
        est = estimate.steps.get(step.id)
        _emit("ticket_updated", {"status": step.state, "position": ahead.get(step.id, 0),
                                 "estimate": est.as_dict() if est else None, "counter": None},
              ticket_room(step.ticket.token))
    for counter in office.counters:
        _emit("counter_changed", {"counter": counter.id, "at": now.isoformat()},
              counter_room(counter.id))


LEFT_COUNTER = {"finished", "no_show", "held", "transferred", "cancelled"}
QUEUE_UNCHANGED = {"started", "recalled"}  # the waiting queue and the counters stay as they were


def step_changed(session: Session, step: Step, event: str, now: datetime) -> None:
    """Push a step's change: the call to the hall, the new status to the ticket's phone."""
    office = step.ticket.service.office
    counter = step.counter.name if step.counter else None
    if event in ("called", "recalled"):
        _emit("ticket_called", {"display_number": step.ticket.display_number, "counter": counter,
                                "service": step.service.code, "at": now.isoformat(),
                                "recall": event == "recalled"}, office_room(office.code))
    elif event in LEFT_COUNTER and counter:
        _emit("ticket_left_counter", {"display_number": step.ticket.display_number,
                                      "counter": counter, "at": now.isoformat()},
              office_room(office.code))
    current = step.ticket.current_step
    _emit("ticket_updated", {"status": current.state, "position": 0, "estimate": None,
                             "counter": current.counter.name if current.counter
                             and current.state in ("called", "serving") else None,
                             "event": event},
          ticket_room(step.ticket.token))
    if event not in QUEUE_UNCHANGED:
        queue_changed(session, office, now)


def socket_error(exc: Exception) -> dict:
    """A Socket.IO handler's failure, answered as the acknowledgement the client waits for."""
    from core.errors import DomainError

    if isinstance(exc, DomainError):
        return {"error": exc.code, "message": exc.message}
    import logging

    logging.getLogger("junban.realtime").exception("socket handler failed", exc_info=exc)
    return {"error": "internal", "message": "internal error"}
