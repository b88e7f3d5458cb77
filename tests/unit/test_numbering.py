"""Ticket numbers per service and business day (SPEC §2.2): ranges, prefixes, exhaustion."""

import pytest

from core.errors import InvalidInput, NumberRangeExhausted
from core.numbering import NumberRange, display_number, next_number


def test_the_first_number_of_the_day_is_the_start_of_the_range():
    assert next_number(NumberRange(1, 999), None) == 1
    assert next_number(NumberRange(1001, 1999), None) == 1001


def test_each_number_follows_the_last_one_issued():
    rng = NumberRange(1, 999)
    assert next_number(rng, 1) == 2
    assert next_number(rng, 41) == 42


def test_numbers_issued_one_after_another_never_repeat():
    rng = NumberRange(5, 20)
    issued, last = [], None
    for _ in range(16):
        last = next_number(rng, last)
        issued.append(last)
    assert issued == list(range(5, 21))


def test_the_last_number_of_the_range_can_still_be_issued():
    assert next_number(NumberRange(1, 999), 998) == 999


def test_issuing_past_the_end_of_the_range_raises_number_range_exhausted():
    with pytest.raises(NumberRangeExhausted) as err:
        next_number(NumberRange(1, 999), 999)
    assert err.value.code == "numbers_exhausted"
    assert err.value.details == {"end": 999}


def test_a_range_of_one_number_is_exhausted_after_a_single_ticket():
    rng = NumberRange(7, 7)
    assert next_number(rng, None) == 7
    with pytest.raises(NumberRangeExhausted):
        next_number(rng, 7)


def test_a_last_number_below_the_range_restarts_at_the_range_start():
    # e.g. the range was moved up during the day: numbers must stay inside the new range.
    assert next_number(NumberRange(1001, 1999), 12) == 1001


def test_a_service_range_like_1001_to_1999_tells_the_service_by_the_number_alone():
    rng = NumberRange(1001, 1999)
    assert next_number(rng, 1998) == 1999
    with pytest.raises(NumberRangeExhausted):
        next_number(rng, 1999)


@pytest.mark.parametrize(
    ("rng", "number", "shown"),
    [
        (NumberRange(1, 999, "A"), 12, "A012"),
        (NumberRange(1, 999, "A"), 1, "A001"),
        (NumberRange(1, 999, "A"), 999, "A999"),
        (NumberRange(1, 999), 7, "007"),
        (NumberRange(1, 99, "B"), 5, "B05"),
        (NumberRange(1001, 1999), 1012, "1012"),
        (NumberRange(1, 9999, "KK"), 42, "KK0042"),
        (NumberRange(0, 9), 0, "0"),
    ],
)
def test_a_number_is_shown_as_its_prefix_then_digits_padded_to_the_range_end(rng, number, shown):
    assert display_number(rng, number) == shown


def test_the_padding_width_is_the_number_of_digits_of_the_range_end():
    assert NumberRange(1, 999).width == 3
    assert NumberRange(1001, 1999).width == 4
    assert NumberRange(1, 9).width == 1


def test_the_default_range_is_1_to_999_without_a_prefix():
    rng = NumberRange()
    assert (rng.start, rng.end, rng.prefix) == (1, 999, "")


@pytest.mark.parametrize(("start", "end"), [(10, 9), (-1, 5), (-5, -1)])
def test_an_empty_or_negative_range_is_invalid(start, end):
    with pytest.raises(InvalidInput):
        NumberRange(start, end)


@pytest.mark.parametrize("prefix", ["ABCD", "A-", " ", "A B", "#"])
def test_a_prefix_longer_than_three_or_not_letters_and_digits_is_invalid(prefix):
    with pytest.raises(InvalidInput):
        NumberRange(1, 999, prefix)


@pytest.mark.parametrize("prefix", ["", "A", "AB", "A1Z"])
def test_a_prefix_of_up_to_three_letters_or_digits_is_accepted(prefix):
    assert NumberRange(1, 999, prefix).prefix == prefix
