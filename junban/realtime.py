"""The one place that pushes live events (SPEC §5 real-time), always after commit.

Rooms: ``office:<code>`` (displays, office pages, kiosks), ``counter:<id>`` (consoles),
``ticket:<token>`` (a resident's phone). Event names are facts: ``ticket_called``,
``ticket_left_counter``,
``queue_changed``, ``ticket_updated``, ``counter_changed``. With ``REDIS_URL`` set the emits go
through the Redis message queue and reach clients of every worker process and host.
"""

import logging
import threading
import time
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from junban.db import new_session
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
    """Tell the office, its counters and every waiting ticket that the queue moved.

    The new status, estimates and each waiting ticket's place are computed and pushed by one
    background task per office, after the request: changes that come in while it works are
    folded into its next round, so that a burst of tickets costs one recomputation, not one
    per ticket, and no request waits for the estimate of the whole queue.
    """
    from junban.estimates import forget_estimate
    from junban.queues import forget_status

    forget_status(office)
    forget_estimate(office)
    if socketio.server is None:  # not bound to an app (bare scripts)
        return
    app = current_app._get_current_object()
    key = (id(app), office.id)
    with _rounds:
        if key in _pending:
            _pending[key] = True  # the running task goes round once more
            return
        _pending[key] = False
    socketio.start_background_task(_publish_rounds, app, office.id, key)


_rounds = threading.Condition()
_pending: dict[tuple[int, int], bool] = {}  # (app, office) → changed again since round began


def _publish_rounds(app, office_id: int, key: tuple[int, int]) -> None:
    try:
        while True:
            try:
                with app.app_context(), new_session(app) as session:
                    office = session.get(Office, office_id)
                    if office is not None:
                        publish_queue(session, office, app.config["CLOCK"]())
            except Exception:  # noqa: BLE001 — a failed round must not stop later rounds
                logging.getLogger(__name__).exception("publishing the queue of %s", office_id)
            with _rounds:
                if _pending.get(key):
                    _pending[key] = False
                    continue
                return
    finally:
        with _rounds:
            _pending.pop(key, None)
            _rounds.notify_all()


def flush(timeout: float = 10.0) -> bool:
    """Wait until this app's queue publications are done (CLI commands, tests, shutdown)."""
    app_id = id(current_app._get_current_object())
    deadline = time.monotonic() + timeout
    with _rounds:
        while any(k[0] == app_id for k in _pending):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _rounds.wait(left)
    return True


def publish_queue(session: Session, office: Office, now: datetime) -> None:
    """Push the office's queue as it is now: status to the office and its counters, place and
    estimate to every waiting ticket."""
    from junban.estimates import estimate_office, waiting_with_tokens
    from junban.queues import positions

    estimate = estimate_office(session, office, now)
    _emit("queue_changed", queue_payload(session, office, now, estimate), office_room(office.code))
    pool, tokens = waiting_with_tokens(session, office, now)
    ahead = positions(session, office, now, pool)
    for step_id, token in zip((c.step_id for c in pool), tokens, strict=True):
        est = estimate.steps.get(step_id)
        _emit("ticket_updated", {"status": "waiting", "position": ahead.get(step_id, 0),
                                 "estimate": est.as_dict() if est else None, "counter": None},
              ticket_room(token))
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

    logging.getLogger("junban.realtime").exception("socket handler failed", exc_info=exc)
    return {"error": "internal", "message": "internal error"}
