"""Looking up offices, services and counters, and the office's calendar as core values."""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from core.businessday import OfficeHours, Season
from core.errors import NotFound
from core.numbering import NumberRange
from junban.models import BusySeason, Counter, CounterService, Holiday, Office, Service


def get_office(session: Session, code: str) -> Office:
    """The office with ``code``, or NotFound."""
    office = session.scalar(
        select(Office)
        .where(Office.code == code)
        .options(
            selectinload(Office.services),
            selectinload(Office.counters).selectinload(Counter.links)
            .selectinload(CounterService.service),
        )
    )
    if office is None:
        raise NotFound(f"no office {code!r}")
    return office


def list_offices(session: Session) -> list[Office]:
    """Every office with its services and counters, in code order."""
    return list(
        session.scalars(
            select(Office)
            .order_by(Office.id)
            .options(
                selectinload(Office.services),
                selectinload(Office.counters).selectinload(Counter.links)
                .selectinload(CounterService.service),
            )
        )
    )


def get_service(office: Office, code: str) -> Service:
    """The service ``code`` of ``office``, or NotFound."""
    for service in office.services:
        if service.code == code:
            return service
    raise NotFound(f"office {office.code} has no service {code!r}")


def get_counter(session: Session, counter_id: int) -> Counter:
    """The counter with ``counter_id``, or NotFound."""
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound(f"no counter {counter_id}")
    return counter


def office_hours(session: Session, office: Office) -> OfficeHours:
    """The office's hours with its own and city-wide closures as core values."""
    days = session.scalars(
        select(Holiday.day).where(or_(Holiday.office_id == office.id, Holiday.office_id.is_(None)))
    )
    return OfficeHours(office.opens, office.closes, office.issue_until, frozenset(days))


def busy_seasons(session: Session) -> list[Season]:
    """The configured busy seasons (the built-in moving season when none are configured)."""
    rows = session.scalars(select(BusySeason)).all()
    if not rows:
        return [Season()]

    def md(text: str) -> tuple[int, int]:
        m, d = text.split("-")
        return int(m), int(d)

    return [Season(md(r.start_md), md(r.end_md), r.name) for r in rows]


def number_range(service: Service) -> NumberRange:
    """The service's numbering as a core value."""
    return NumberRange(service.range_start, service.range_end, service.prefix)


def holidays_between(session: Session, office: Office, start: date, end: date) -> list[Holiday]:
    """The office's configured closures between two dates."""
    return list(
        session.scalars(
            select(Holiday)
            .where(or_(Holiday.office_id == office.id, Holiday.office_id.is_(None)))
            .where(Holiday.day.between(start, end))
            .order_by(Holiday.day)
        )
    )
