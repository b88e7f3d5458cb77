"""Socket.IO handlers of the counter console: a logged-in clerk follows a counter's room."""

from flask_login import current_user
from flask_socketio import join_room

from junban.auth import has_role
from junban.clock import now
from junban.db import get_session
from junban.extensions import socketio
from junban.offices import get_counter
from junban.queues import counter_view
from junban.realtime import counter_room


@socketio.on("subscribe_counter")
def subscribe_counter(data):
    """Join a counter's room; answer with the console's view. Staff only."""
    if not current_user.is_authenticated or not has_role(current_user, "clerk"):
        return {"error": "login required"}
    if not isinstance(data, dict) or not isinstance(data.get("counter"), int):
        return {"error": "counter is required"}
    session = get_session()
    counter = get_counter(session, data["counter"])
    if current_user.role != "admin" and counter.office not in current_user.offices:
        return {"error": "not your office"}
    join_room(counter_room(counter.id))
    return counter_view(session, counter, now(), data.get("lang") or "ja")
