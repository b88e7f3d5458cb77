"""Issuing a ticket (SPEC §2.2): atomic number, committed before anyone sees it."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.businessday import business_day, issuing_status
from core.errors import InvalidInput, IssuingClosed
from core.numbering import display_number, next_number
from junban import realtime
from junban.db import begin_write
from junban.estimates import estimate_new_ticket
from junban.models import Event, NumberSequence, Office, Service, Step, Ticket
from junban.offices import get_office, get_service, number_range, office_hours

LANG_CODES = {"ja", "en", "zh", "ko", "vi", "ja_easy"}


@dataclass(frozen=True)
class IssueRequest:
    office: str
    service: str
    priority: bool = False
    lang: str = "ja"
    source: str = "kiosk"
    planned: tuple[str, ...] = ()  # further services after the first (filing navigator)


def _insert_ignore(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(NumberSequence).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(NumberSequence).on_conflict_do_nothing()
    return insert(NumberSequence).prefix_with("IGNORE")


def allocate_number(session: Session, office: Office, service: Service, day: date) -> int:
    """Take the next number of ``service`` for ``day`` atomically; raise when the range is used."""
    rng = number_range(service)
    key = {"office_id": office.id, "service_id": service.id, "business_day": day}
    session.execute(_insert_ignore(session).values(**key, last_number=next_number(rng, None) - 1))
    number = session.execute(
        update(NumberSequence)
        .where(
            NumberSequence.office_id == office.id,
            NumberSequence.service_id == service.id,
            NumberSequence.business_day == day,
        )
        .values(last_number=NumberSequence.last_number + 1)
        .returning(NumberSequence.last_number)
    ).scalar_one()
    return next_number(rng, number - 1)  # raises NumberRangeExhausted past the range's end


def _validate(office: Office, req: IssueRequest) -> list[Service]:
    if req.lang not in LANG_CODES:
        raise InvalidInput(f"unknown language {req.lang!r}")
    services = [get_service(office, code) for code in (req.service, *req.planned)]
    for service in services[:1]:
        if not service.issuing_open:
            raise IssuingClosed("this service is not issuing tickets now", reason="service_closed")
    return services


def issue_ticket(session: Session, req: IssueRequest, now: datetime) -> Ticket:
    """Issue a ticket: check hours and cut-off, take a number, store the estimate, commit."""
    office = get_office(session, req.office)
    services = _validate(office, req)
    estimate = estimate_new_ticket(session, office, services[0], req.priority, now)
    begin_write(session)
    office = get_office(session, req.office)
    services = _validate(office, req)
    status = issuing_status(office_hours(session, office), now)
    if not status.open:
        raise IssuingClosed(
            "tickets are not being issued now", reason=status.reason,
            opens_at=status.opens_at.isoformat() if status.opens_at else None,
        )
    first = services[0]
    day = business_day(now)
    number = allocate_number(session, office, first, day)
    ticket = Ticket(
        office_id=office.id, service_id=first.id, business_day=day, number=number,
        display_number=display_number(number_range(first), number),
        token=secrets.token_urlsafe(16), priority=req.priority, lang=req.lang,
        source=req.source, issued_at=now, planned=[s.code for s in services[1:]],
    )
    step = Step(
        ticket=ticket, seq=0, office_id=office.id, service_id=first.id, business_day=day,
        state="waiting", priority=req.priority, order_at=now, queued_at=now,
    )
    session.add_all([ticket, step])
    session.flush()
    session.add(Event(at=now, kind="issued", office_id=office.id, service_id=first.id,
                      ticket_id=ticket.id, step_id=step.id,
                      data={"priority": req.priority, "source": req.source}))
    if estimate is not None:
        ticket.estimate_minutes, ticket.estimate_low, ticket.estimate_high = (
            estimate.minutes, estimate.low, estimate.high)
    session.commit()
    realtime.queue_changed(session, office, now)
    return ticket
