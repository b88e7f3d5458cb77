"""The clerk at a counter (SPEC §3.2)."""

from flask import Blueprint

bp = Blueprint("counter", __name__, url_prefix="/counter")

from counter import events, routes  # noqa: E402,F401
