"""Loading offices, services, counters, staff, holidays and busy seasons from a YAML/JSON file.

Seeding is idempotent: records are matched by their codes and updated; nothing is deleted.
"""

import json
import secrets
from datetime import date, time
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput
from core.numbering import NumberRange
from core.policy import Policy
from junban.auth import create_staff
from junban.models import BusySeason, Counter, CounterService, Holiday, Office, Service, Staff


def read_seed(path: str | Path) -> dict:
    """Parse a seed file (YAML or JSON) into a mapping."""
    text = Path(path).read_text(encoding="utf-8")
    data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise InvalidInput("a seed file holds a mapping with offices, staff, holidays …")
    return data


def _time(value, default: time) -> time:
    if value is None:
        return default
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _service(session: Session, office: Office, spec: dict, position: int) -> Service:
    service = session.scalar(select(Service).where(Service.office_id == office.id,
                                                   Service.code == spec["code"]))
    if service is None:
        service = Service(office=office, code=spec["code"])
        session.add(service)
    start, end = spec.get("range", [1, 999])
    NumberRange(start, end, spec.get("prefix", ""))  # validates
    service.names = spec.get("names", {"ja": spec["code"]})
    service.prefix, service.range_start, service.range_end = spec.get("prefix", ""), start, end
    service.target_minutes = float(spec.get("target_minutes", 30))
    service.default_service_minutes = float(spec.get("service_minutes", 8))
    service.issuing_open = bool(spec.get("open", True))
    service.position = position
    return service


def _counter(session: Session, office: Office, spec: dict, position: int,
             services: dict[str, Service]) -> Counter:
    name = str(spec["name"])
    counter = session.scalar(select(Counter).where(Counter.office_id == office.id,
                                                   Counter.name == name))
    if counter is None:
        counter = Counter(office=office, name=name)
        session.add(counter)
    counter.label = spec.get("label", "")
    counter.policy = Policy(spec.get("policy", "oldest")).value
    counter.position = position
    codes = spec.get("services", [])
    unknown = [c for c in codes if c not in services]
    if unknown:
        raise InvalidInput(f"counter {name} of {office.code} names unknown services {unknown}")
    counter.links = [CounterService(service=services[c], position=i) for i, c in enumerate(codes)]
    return counter


def _office(session: Session, spec: dict) -> Office:
    office = session.scalar(select(Office).where(Office.code == spec["code"]))
    if office is None:
        office = Office(code=spec["code"])
        session.add(office)
    office.names = spec.get("names", {"ja": spec["code"]})
    office.kind = spec.get("kind", "ward")
    hours = spec.get("hours", {})
    office.opens = _time(hours.get("opens"), time(8, 30))
    office.closes = _time(hours.get("closes"), time(17, 15))
    office.issue_until = _time(hours.get("issue_until"), time(17, 0))
    session.flush()
    services = {s["code"]: _service(session, office, s, i)
                for i, s in enumerate(spec.get("services", []))}
    session.flush()
    for i, c in enumerate(spec.get("counters", [])):
        _counter(session, office, c, i, services)
    return office


def _staff(session: Session, spec: dict, offices: list[Office]) -> tuple[str, str] | None:
    wanted = spec.get("offices", [])
    assigned = offices if wanted == "all" else [o for o in offices if o.code in wanted]
    staff = session.scalar(select(Staff).where(Staff.username == spec["username"]))
    if staff is not None:
        staff.role, staff.offices = spec.get("role", staff.role), assigned
        return None
    password = spec.get("password") or secrets.token_urlsafe(9)
    create_staff(session, spec["username"], password, spec.get("role", "clerk"),
                 spec.get("display_name", ""), assigned)
    return spec["username"], password


def apply_seed(session: Session, data: dict) -> list[tuple[str, str]]:
    """Create or update everything in ``data``; return new staff (username, password) once."""
    for spec in data.get("offices", []):
        _office(session, spec)
    session.flush()
    offices = list(session.scalars(select(Office)))
    by_code = {o.code: o for o in offices}
    for h in data.get("holidays", []):
        office = by_code.get(h["office"]) if h.get("office") else None
        day = h["date"] if isinstance(h["date"], date) else date.fromisoformat(str(h["date"]))
        exists = session.scalar(select(Holiday).where(
            Holiday.day == day,
            Holiday.office_id.is_(None) if office is None else Holiday.office_id == office.id))
        if exists is None:
            session.add(Holiday(office_id=office.id if office else None, day=day,
                                name=h.get("name", "")))
    for b in data.get("busy_seasons", []):
        if session.scalar(select(BusySeason).where(BusySeason.name == b["name"])) is None:
            session.add(BusySeason(name=b["name"], start_md=b["start"], end_md=b["end"]))
    created = [c for c in (_staff(session, s, offices) for s in data.get("staff", [])) if c]
    session.commit()
    return created
