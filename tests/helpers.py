"""Factories and a fake clock for tests: make_office(session, …), not fixture files."""

from datetime import datetime, time, timedelta

from core.businessday import TOKYO
from junban.auth import create_staff
from junban.models import Counter, CounterService, Office, Service

# A Tuesday that is no holiday, at 10:00 in Tokyo.
OPEN_DAY = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)
PASSWORD = "correct horse"


class FakeClock:
    """A clock the test moves by hand; thread-safe enough for reads."""

    def __init__(self, start: datetime = OPEN_DAY):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, minutes: float = 0, seconds: float = 0) -> datetime:
        self.current += timedelta(minutes=minutes, seconds=seconds)
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when


def make_office(session, code: str = "chuo", services=("idou", "shomei"), counters=None,
                **kw) -> Office:
    """An office with services (prefix A, B, …) and counters (default: one per service + all)."""
    office = Office(code=code, names={"ja": f"{code}区役所", "en": f"{code} ward"},
                    opens=kw.get("opens", time(8, 30)), closes=kw.get("closes", time(17, 15)),
                    issue_until=kw.get("issue_until", time(17, 0)))
    session.add(office)
    session.flush()
    by_code = {}
    for i, scode in enumerate(services):
        s = Service(office_id=office.id, code=scode, names={"ja": scode, "en": scode},
                    prefix=chr(ord("A") + i), range_start=1, range_end=kw.get("range_end", 999),
                    target_minutes=30, default_service_minutes=10, position=i)
        session.add(s)
        by_code[scode] = s
    session.flush()
    if counters is None:
        counters = [(str(i + 1), [s], "oldest") for i, s in enumerate(services)]
    for i, (name, codes, policy) in enumerate(counters):
        c = Counter(office_id=office.id, name=name, policy=policy, state="closed", position=i)
        c.links = [CounterService(service=by_code[x], position=j) for j, x in enumerate(codes)]
        session.add(c)
    session.commit()
    return office


def make_staff(session, username: str = "clerk", role: str = "clerk", offices=()):
    staff = create_staff(session, username, PASSWORD, role, offices=list(offices))
    session.commit()
    return staff
