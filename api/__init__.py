"""REST API under /api/v1 for integrators, scripts, kiosks and consoles (SPEC §5)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from api import routes  # noqa: E402,F401  (registers the routes on bp)
