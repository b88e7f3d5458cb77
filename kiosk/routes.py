"""Kiosk pages: thin handlers over junban's read models; issuing goes through the API."""

from flask import current_app, render_template

from junban.clock import now
from junban.db import get_session
from junban.i18n import current_language
from junban.offices import get_office, list_offices
from junban.queues import office_status
from kiosk import bp


@bp.get("/")
def choose_office():
    return render_template("kiosk/choose.html", offices=list_offices(get_session()))


@bp.get("/<office>")
def kiosk(office: str):
    session = get_session()
    o = get_office(session, office)
    status = office_status(session, o, now(), current_language())
    return render_template("kiosk/kiosk.html", office=o, status=status,
                           reset_seconds=current_app.config["KIOSK_RESET_SECONDS"])
