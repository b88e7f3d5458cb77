"""The application's clock: real time, or a shifted clock for demos and tests (JUNBAN_CLOCK)."""

import time as _time
from datetime import datetime

from flask import current_app, has_app_context

from core.businessday import TOKYO, system_clock


def shifted_clock(start: datetime, speed: float = 1.0):
    """A clock that starts at ``start`` now and runs ``speed`` times real speed from there
    (training and soak tests run an office hour in a minute with speed 60)."""
    origin = _time.monotonic()
    if start.tzinfo is None:
        start = start.replace(tzinfo=TOKYO)

    def clock() -> datetime:
        from datetime import timedelta

        return start + timedelta(seconds=(_time.monotonic() - origin) * speed)

    return clock


def clock_from_setting(value: str | None, speed: float | str | None = None):
    """``JUNBAN_CLOCK=2026-11-24T10:00`` starts a shifted clock (``JUNBAN_CLOCK_SPEED`` times
    real speed, default 1); empty means the real time."""
    if not value:
        return system_clock
    rate = float(speed) if speed not in (None, "") else 1.0
    if not rate > 0:
        raise ValueError("JUNBAN_CLOCK_SPEED must be a positive number")
    return shifted_clock(datetime.fromisoformat(value), rate)


def now() -> datetime:
    """The current time of the running app (aware, Asia/Tokyo)."""
    if has_app_context():
        return current_app.config["CLOCK"]()
    return system_clock()
