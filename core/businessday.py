"""Business days, opening hours, issuing cut-off, holidays and seasons in Asia/Tokyo.

Every function takes ``now`` (or a date) explicitly, so a test or the simulator can run any day.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jpholiday

TOKYO = ZoneInfo("Asia/Tokyo")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, timezone-aware in Asia/Tokyo."""
    return datetime.now(TOKYO)


def local(dt: datetime) -> datetime:
    """``dt`` in Asia/Tokyo (naive datetimes are taken as UTC, as stored)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo("UTC"))
    return dt.astimezone(TOKYO)


def hour_of_day(dt: datetime) -> float:
    """Local hour of day as a number, e.g. 12.5 for 12:30 in Tokyo."""
    t = local(dt)
    return t.hour + t.minute / 60 + t.second / 3600


def business_day(now: datetime) -> date:
    """The calendar date in Asia/Tokyo: tickets, numbers and queues reset at local midnight."""
    return local(now).date()


def is_year_end_closure(day: date) -> bool:
    """Municipal offices close from 29 December to 3 January."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def national_holiday_name(day: date) -> str | None:
    """The name of the Japanese national holiday on ``day`` (振替休日 included), or None."""
    return jpholiday.is_holiday_name(day)


@dataclass(frozen=True)
class OfficeHours:
    """When an office is open and until when it issues tickets."""

    opens: time = time(8, 30)
    closes: time = time(17, 15)
    issue_until: time = time(17, 0)
    extra_closed: Collection[date] = field(default_factory=frozenset)  # office's own closures
    open_weekdays: Collection[int] = (0, 1, 2, 3, 4)  # Monday=0 … Friday=4


def closure_reason(hours: OfficeHours, day: date) -> str | None:
    """Why the office is closed all day on ``day`` ('weekend', 'holiday:成人の日', …), or None."""
    if day in hours.extra_closed:
        return "office_holiday"
    if day.weekday() not in hours.open_weekdays:
        return "weekend"
    if is_year_end_closure(day):
        return "year_end"
    name = national_holiday_name(day)
    if name:
        return f"holiday:{name}"
    return None


def is_open_day(hours: OfficeHours, day: date) -> bool:
    """An office opens on weekdays that are not holidays, year-end closure or its own closures."""
    return closure_reason(hours, day) is None


@dataclass(frozen=True)
class IssuingStatus:
    open: bool
    reason: str | None  # None when open; else 'before_opening', 'after_cutoff', 'weekend', …
    opens_at: datetime | None  # the next time issuing opens (local)


def issuing_status(hours: OfficeHours, now: datetime) -> IssuingStatus:
    """Whether a ticket may be issued at ``now``: an open day, after opening, before cut-off."""
    now_l = local(now)
    day = now_l.date()
    reason = closure_reason(hours, day)
    if reason is None:
        if now_l.time() < hours.opens:
            reason = "before_opening"
        elif now_l.time() >= hours.issue_until:
            reason = "after_cutoff"
        else:
            return IssuingStatus(True, None, None)
    return IssuingStatus(False, reason, next_opening(hours, now_l))


def next_opening(hours: OfficeHours, now: datetime) -> datetime:
    """The next opening time strictly after ``now`` (today's if still ahead)."""
    now_l = local(now)
    day = now_l.date()
    for _ in range(400):
        if is_open_day(hours, day):
            opening = datetime.combine(day, hours.opens, TOKYO)
            if opening > now_l:
                return opening
        day += timedelta(days=1)
    raise ValueError("no opening day within 400 days")


def fiscal_year(day: date) -> int:
    """The Japanese fiscal year (年度) of ``day``: April to March, named by its April's year."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


@dataclass(frozen=True)
class Season:
    """A yearly period given by month and day, e.g. the moving season 3/15–4/15."""

    start: tuple[int, int] = (3, 15)
    end: tuple[int, int] = (4, 15)
    name: str = "busy"

    def contains(self, day: date) -> bool:
        """True when ``day`` falls in the season (inclusive; may wrap over the new year)."""
        md = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end


BUSY_SEASON = Season()


def is_busy_season(day: date, seasons: Collection[Season] = (BUSY_SEASON,)) -> bool:
    """The moving season (mid-March to mid-April by default) brings the year's longest queues."""
    return any(s.contains(day) for s in seasons)
