"""Hall display and phone pages: thin handlers over junban's read models."""

from flask import make_response, render_template

from display import bp
from junban.clock import now
from junban.db import get_session
from junban.forecast import crowding_forecast
from junban.i18n import current_language, shared_screen_language
from junban.offices import get_office, list_offices
from junban.queues import get_ticket, office_status, ticket_view


@bp.get("/offices")
def home():
    return render_template("display/home.html", offices=list_offices(get_session()))


@bp.get("/display/<office>")
def hall(office: str):
    session = get_session()
    o = get_office(session, office)
    shared_screen_language()
    return render_template("display/hall.html", office=o,
                           status=office_status(session, o, now(), "ja"))


@bp.get("/o/<office>")
def office_page(office: str):
    session = get_session()
    o = get_office(session, office)
    return render_template("display/office.html", office=o,
                           status=office_status(session, o, now(), current_language()),
                           forecast=crowding_forecast(session, o, now()))


@bp.get("/t/<token>")
def ticket_page(token: str):
    session = get_session()
    at = now()
    ticket = get_ticket(session, token, at)
    view = ticket_view(session, ticket, at, lang=current_language())
    resp = make_response(render_template("display/ticket.html", ticket=ticket, view=view,
                                         office=ticket.service.office))
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp
