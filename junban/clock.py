"""The application's clock: real time, or a shifted clock for demos and tests (JUNBAN_CLOCK)."""

import time as _time
from datetime import datetime

from flask import current_app, has_app_context

from core.businessday import TOKYO, system_clock


def shifted_clock(start: datetime):
    """A clock that starts at ``start`` now and runs at real speed from there."""
    origin = _time.monotonic()
    if start.tzinfo is None:
        start = start.replace(tzinfo=TOKYO)

    def clock() -> datetime:
        from datetime import timedelta

        return start + timedelta(seconds=_time.monotonic() - origin)

    return clock


def clock_from_setting(value: str | None):
    """``JUNBAN_CLOCK=2026-11-24T10:00`` starts a shifted clock; empty means the real time."""
    if not value:
        return system_clock
    return shifted_clock(datetime.fromisoformat(value))


def now() -> datetime:
    """The current time of the running app (aware, Asia/Tokyo)."""
    if has_app_context():
        return current_app.config["CLOCK"]()
    return system_clock()
