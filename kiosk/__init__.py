"""The resident at the ticket machine (SPEC §3.1)."""

from flask import Blueprint

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

from kiosk import routes  # noqa: E402,F401
