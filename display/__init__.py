"""The hall screen and the resident's phone (SPEC §3.3, §3.4)."""

from flask import Blueprint

bp = Blueprint("display", __name__)

from display import events, routes  # noqa: E402,F401
