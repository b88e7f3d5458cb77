"""Kiosk pages: thin handlers over junban's read models; issuing goes through the API."""

import io

import qrcode
import qrcode.image.svg
from flask import Response, current_app, render_template, url_for

from junban.clock import now
from junban.db import get_session
from junban.i18n import shared_screen_language
from junban.offices import get_office, list_offices
from junban.queues import get_ticket, office_status
from kiosk import bp


@bp.get("/")
def choose_office():
    return render_template("kiosk/choose.html", offices=list_offices(get_session()))


@bp.get("/<office>")
def kiosk(office: str):
    session = get_session()
    o = get_office(session, office)
    status = office_status(session, o, now(), shared_screen_language())
    return render_template("kiosk/kiosk.html", office=o, status=status,
                           reset_seconds=current_app.config["KIOSK_RESET_SECONDS"],
                           auto_print=current_app.config.get("KIOSK_AUTO_PRINT", True))


@bp.get("/qr/<token>.svg")
def qr(token: str):
    """The QR code printed on a ticket: it opens the ticket's phone page."""
    ticket = get_ticket(get_session(), token)
    target = url_for("display.ticket_page", token=ticket.token, _external=True)
    img = qrcode.make(target, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    buf = io.BytesIO()
    img.save(buf)
    resp = Response(buf.getvalue(), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "no-store"
    return resp
