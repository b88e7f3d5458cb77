"""Crowding forecast (混雑予想) for residents: by hour of the day, from the office's history.

Each past visit is reduced to (business day, hour issued, minutes waited until first called).
The forecast for a day averages the same weekday of recent weeks, so a resident can see that
Monday mornings are long and Thursday afternoons short.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Levels by the average wait of the hour (minutes): shown as words and colours, not numbers only.
LEVELS = ((15, "quiet"), (40, "busy"))
LEVEL_TOP = "very_busy"


@dataclass(frozen=True)
class Visit:
    day: date
    hour: int
    waited_min: float | None  # None: never called (cancelled, left)


@dataclass(frozen=True)
class HourForecast:
    hour: int
    arrivals: float  # mean tickets issued in this hour on a comparable day
    wait_min: float | None  # mean wait of those tickets, None without history
    level: str

    def as_dict(self) -> dict:
        return {"hour": self.hour, "arrivals": round(self.arrivals, 1),
                "wait_min": None if self.wait_min is None else round(self.wait_min),
                "level": self.level}


def level_of(wait_min: float | None) -> str:
    """The crowding word for an average wait: quiet below 15 min, busy below 40, else very busy."""
    if wait_min is None:
        return "unknown"
    for limit, name in LEVELS:
        if wait_min < limit:
            return name
    return LEVEL_TOP


def forecast_day(visits: Iterable[Visit], day: date, hours: range) -> list[HourForecast]:
    """Average arrivals and waits per hour over past days with ``day``'s weekday."""
    days: set[date] = set()
    arrivals: dict[int, int] = {}
    waits: dict[int, list[float]] = {}
    for v in visits:
        if v.day >= day or v.day.weekday() != day.weekday():
            continue
        days.add(v.day)
        arrivals[v.hour] = arrivals.get(v.hour, 0) + 1
        if v.waited_min is not None:
            waits.setdefault(v.hour, []).append(v.waited_min)
    n = len(days)
    out = []
    for h in hours:
        ws = waits.get(h)
        mean_wait = sum(ws) / len(ws) if ws else None
        out.append(HourForecast(h, arrivals.get(h, 0) / n if n else 0.0, mean_wait,
                                level_of(mean_wait)))
    return out
