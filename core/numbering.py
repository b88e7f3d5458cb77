"""Ticket numbers per office, service and business day (SPEC §2.2).

A service has a number range (e.g. 1–999, or 1001–1999 so that the number alone tells the
service) and an optional letter prefix shown before it ("A012"). Numbers are never reused within
a business day: when the range is used up, issuing for that service stops.
"""

from dataclasses import dataclass

from core.errors import InvalidInput, NumberRangeExhausted


@dataclass(frozen=True)
class NumberRange:
    start: int = 1
    end: int = 999
    prefix: str = ""

    def __post_init__(self):
        if not (0 <= self.start <= self.end):
            raise InvalidInput(f"number range {self.start}–{self.end} is empty or negative")
        if len(self.prefix) > 3 or not all(ch.isalnum() for ch in self.prefix):
            raise InvalidInput("a prefix is up to three letters or digits")

    @property
    def width(self) -> int:
        return len(str(self.end))


def next_number(rng: NumberRange, last_issued: int | None) -> int:
    """The number after ``last_issued`` (None: none issued yet today); raise when exhausted."""
    nxt = rng.start if last_issued is None else last_issued + 1
    if nxt < rng.start:
        nxt = rng.start
    if nxt > rng.end:
        raise NumberRangeExhausted(
            f"all numbers {rng.start}–{rng.end} have been issued today", end=rng.end
        )
    return nxt


def display_number(rng: NumberRange, number: int) -> str:
    """The number as shown and announced: prefix then zero-padded digits ("A012", "1012")."""
    return f"{rng.prefix}{number:0{rng.width}d}"
