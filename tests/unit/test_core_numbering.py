"""Ticket numbers: prefix, padding, ranges, never past the end of the range (SPEC §2.2)."""

import pytest

from core.errors import InvalidInput, NumberRangeExhausted
from core.numbering import NumberRange, display_number, next_number


def test_the_first_number_of_the_day_is_the_start_of_the_range():
    assert next_number(NumberRange(1, 999), None) == 1
    assert next_number(NumberRange(1001, 1999), None) == 1001


def test_numbers_follow_one_another():
    assert next_number(NumberRange(1, 999), 41) == 42


def test_a_number_below_the_range_jumps_to_its_start():
    assert next_number(NumberRange(500, 599), 3) == 500


def test_issuing_stops_when_the_range_is_used_up():
    with pytest.raises(NumberRangeExhausted) as err:
        next_number(NumberRange(1, 99), 99)
    assert err.value.code == "numbers_exhausted"


def test_a_number_is_shown_with_its_prefix_and_padded_to_the_ranges_width():
    assert display_number(NumberRange(1, 999, "A"), 12) == "A012"
    assert display_number(NumberRange(1001, 1999), 1012) == "1012"
    assert display_number(NumberRange(1, 99, "KO"), 7) == "KO07"


@pytest.mark.parametrize(("start", "end", "prefix"),
                         [(10, 1, ""), (-1, 5, ""), (1, 9, "ABCD"), (1, 9, "A-")])
def test_an_empty_or_malformed_range_is_refused(start, end, prefix):
    with pytest.raises(InvalidInput):
        NumberRange(start, end, prefix)
