"""Thin handlers: parse JSON, call one use case, return JSON."""

from flask import current_app, jsonify, request, url_for

from api import bp
from api.openapi import document
from core.errors import InvalidInput
from junban import auth, counters, issuing, queues
from junban.clock import now
from junban.db import get_session
from junban.extensions import limiter
from junban.offices import get_counter, get_office, list_offices


def _body() -> dict:
    if not request.data:
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object")
    return data


def _str(data: dict, key: str, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise InvalidInput(f"{key!r} is required")
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise InvalidInput(f"{key!r} must be a non-empty string")
    return value.strip()


def _lang() -> str:
    lang = request.args.get("lang", "ja")
    return lang if lang in issuing.LANG_CODES else "ja"


def _status_url(token: str) -> str:
    return url_for("display.ticket_page", token=token, _external=True)


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/offices")
def offices():
    lang = _lang()
    return jsonify([
        {"code": o.code, "name": o.name(lang), "kind": o.kind,
         "services": [{"code": s.code, "name": s.name(lang), "open": s.issuing_open,
                       "prefix": s.prefix, "target_minutes": s.target_minutes}
                      for s in o.services],
         "counters": [{"id": c.id, "name": c.name, "label": c.label, "state": c.state,
                       "services": c.service_codes} for c in o.counters]}
        for o in list_offices(get_session())
    ])


@bp.post("/offices/<office>/tickets")
@limiter.limit(lambda: current_app.config["RATELIMIT_ISSUE"])
def issue(office: str):
    data = _body()
    priority = data.get("priority", False)
    if not isinstance(priority, bool):
        raise InvalidInput("'priority' must be true or false")
    planned = data.get("services", [])
    if not isinstance(planned, list) or not all(isinstance(x, str) for x in planned):
        raise InvalidInput("'services' must be a list of service codes")
    session = get_session()
    req = issuing.IssueRequest(office=office, service=_str(data, "service", required=True),
                               priority=priority, lang=_str(data, "lang") or "ja",
                               source=_str(data, "source") or "api", planned=tuple(planned))
    if req.source not in ("kiosk", "api", "navigator"):
        raise InvalidInput("'source' must be kiosk, api or navigator")
    ticket = issuing.issue_ticket(session, req, now())
    view = queues.ticket_view(session, ticket, now(), live_estimate=False)
    return jsonify({
        "number": ticket.number, "display_number": ticket.display_number,
        "token": ticket.token, "service": view["service"], "service_name": view["service_name"],
        "position": view["position"], "estimate": view["estimate_at_issue"],
        "priority": ticket.priority, "issued_at": ticket.issued_at.isoformat(),
        "status_url": _status_url(ticket.token),
    }), 201


@bp.get("/offices/<office>/status")
def office_status(office: str):
    session = get_session()
    return jsonify(queues.office_status(session, get_office(session, office), now(), _lang()))


@bp.get("/tickets/<token>")
def ticket(token: str):
    session = get_session()
    at = now()
    view = queues.ticket_view(session, queues.get_ticket(session, token, at), at,
                              lang=request.args.get("lang"))
    resp = jsonify(view)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/tickets/<token>/cancel")
def cancel(token: str):
    session = get_session()
    at = now()
    step = counters.cancel_ticket(session, token, at)
    return jsonify(queues.ticket_view(session, step.ticket, at))


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
def auth_token():
    data = _body()
    session = get_session()
    staff = auth.authenticate(session, _str(data, "username", True), _str(data, "password", True))
    if staff is None:
        raise auth.Unauthorized()
    return jsonify({"token": auth.issue_token(staff), "role": staff.role,
                    "expires_in": current_app.config["API_TOKEN_MAX_AGE"]})


def _counter_result(outcome: counters.Outcome):
    session = get_session()
    step = outcome.step
    ticket = queues.ticket_view(session, step.ticket, now()) if step else None
    if ticket is not None:
        ticket["token"] = step.ticket.token
    return {"ticket": ticket, "event": outcome.event,
            "counter": {"id": outcome.counter.id, "name": outcome.counter.name,
                        "state": outcome.counter.state}}


@bp.get("/counters/<int:counter_id>")
def counter_view(counter_id: int):
    session = get_session()
    auth.api_staff(session)
    return jsonify(queues.counter_view(session, get_counter(session, counter_id), now(),
                                       _lang()))


@bp.post("/counters/<int:counter_id>/take")
def take(counter_id: int):
    session = get_session()
    counter = counters.take_counter(session, counter_id, auth.api_staff(session), now())
    return jsonify({"id": counter.id, "name": counter.name, "state": counter.state})


@bp.post("/counters/<int:counter_id>/state")
def counter_state(counter_id: int):
    session = get_session()
    staff = auth.api_staff(session)
    state = _str(_body(), "state", required=True)
    counter = counters.set_counter_state(session, counter_id, staff, state, now())
    return jsonify({"id": counter.id, "name": counter.name, "state": counter.state})


@bp.post("/counters/<int:counter_id>/call")
def call(counter_id: int):
    session = get_session()
    staff = auth.api_staff(session)
    ref = _str(_body(), "ticket")
    if ref:
        outcome = counters.call_ticket(session, counter_id, staff, ref, now())
    else:
        outcome = counters.call_next(session, counter_id, staff, now())
    if outcome.step is None:
        return "", 204
    return jsonify(_counter_result(outcome))


@bp.post("/counters/<int:counter_id>/<action>")
def counter_action(counter_id: int, action: str):
    session = get_session()
    staff = auth.api_staff(session)
    data = _body()
    outcome = counters.act(session, counter_id, staff, action, now(),
                           ref=_str(data, "ticket"), service=_str(data, "service"))
    return jsonify(_counter_result(outcome))
