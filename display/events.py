"""Socket.IO handlers of the hall display, the office page and the ticket page.

A client subscribes to a room and gets a full snapshot back as the acknowledgement, so a screen
that reconnects after a network or server loss resynchronises completely before the next event.
"""

from flask_socketio import join_room

from junban.clock import now
from junban.db import get_session
from junban.extensions import socketio
from junban.i18n import LANGUAGE_NAMES
from junban.offices import get_office
from junban.queues import get_ticket, office_status, ticket_view
from junban.realtime import office_room, ticket_room


def _lang(data: dict) -> str:
    lang = data.get("lang")
    return lang if lang in LANGUAGE_NAMES else "ja"


def _refuse(message: str) -> dict:
    return {"error": message}


@socketio.on("subscribe_office")
def subscribe_office(data):
    """Join an office's room (display, office page, kiosk); answer with the office's status."""
    if not isinstance(data, dict) or not isinstance(data.get("office"), str):
        return _refuse("office is required")
    session = get_session()
    office = get_office(session, data["office"])
    join_room(office_room(office.code))
    return office_status(session, office, now(), _lang(data))


@socketio.on("subscribe_ticket")
def subscribe_ticket(data):
    """Join a ticket's room (the resident's phone); answer with the ticket's status."""
    if not isinstance(data, dict) or not isinstance(data.get("token"), str):
        return _refuse("token is required")
    session = get_session()
    at = now()
    ticket = get_ticket(session, data["token"], at)
    join_room(ticket_room(ticket.token))
    return ticket_view(session, ticket, at, lang=_lang(data))
