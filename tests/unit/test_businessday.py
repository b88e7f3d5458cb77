"""Business days in Asia/Tokyo: holidays, year-end closure, weekends, opening hours, issuing
cut-off, the fiscal year that starts in April and the moving season."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.businessday import (
    BUSY_SEASON,
    TOKYO,
    OfficeHours,
    Season,
    business_day,
    closure_reason,
    fiscal_year,
    fiscal_year_bounds,
    is_busy_season,
    is_open_day,
    is_year_end_closure,
    issuing_status,
    local,
    national_holiday_name,
    next_opening,
    system_clock,
)

HOURS = OfficeHours()
OPEN_DAY = date(2026, 11, 24)  # Tuesday, the day after 勤労感謝の日


def tokyo(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=TOKYO)


# --- closed days ------------------------------------------------------------------------------


def test_an_ordinary_tuesday_is_an_open_day():
    assert is_open_day(HOURS, OPEN_DAY)
    assert closure_reason(HOURS, OPEN_DAY) is None


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 11, 23), "勤労感謝の日"),
        (date(2026, 1, 12), "成人の日"),
        (date(2026, 9, 21), "敬老の日"),
    ],
)
def test_a_national_holiday_from_jpholiday_is_closed_with_its_name_as_reason(day, name):
    assert national_holiday_name(day) == name
    assert not is_open_day(HOURS, day)
    assert closure_reason(HOURS, day) == f"holiday:{name}"


def test_a_substitute_holiday_is_closed_too():
    day = date(2026, 5, 6)  # Wednesday, 振替休日 for 憲法記念日 on a Sunday
    assert day.weekday() == 2
    assert not is_open_day(HOURS, day)
    assert closure_reason(HOURS, day).startswith("holiday:")
    assert "振替休日" in closure_reason(HOURS, day)


def test_a_citizens_holiday_between_two_holidays_is_closed():
    assert closure_reason(HOURS, date(2026, 9, 22)) == "holiday:国民の休日"


def test_an_ordinary_weekday_has_no_holiday_name():
    assert national_holiday_name(OPEN_DAY) is None


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2027, 1, 3),
        date(2025, 12, 29),
        date(2026, 1, 2),
    ],
)
def test_the_year_end_closure_runs_from_29_december_to_3_january(day):
    assert is_year_end_closure(day)
    assert not is_open_day(HOURS, day)


def test_weekdays_in_the_year_end_closure_give_year_end_as_reason():
    assert date(2026, 12, 29).weekday() == 1
    assert closure_reason(HOURS, date(2026, 12, 29)) == "year_end"
    assert closure_reason(HOURS, date(2026, 12, 30)) == "year_end"


@pytest.mark.parametrize("day", [date(2026, 12, 28), date(2027, 1, 4)])
def test_the_days_around_the_year_end_closure_are_open(day):
    assert not is_year_end_closure(day)
    assert is_open_day(HOURS, day)


@pytest.mark.parametrize("day", [date(2026, 11, 28), date(2026, 11, 29)])
def test_saturdays_and_sundays_are_closed_as_weekend(day):
    assert not is_open_day(HOURS, day)
    assert closure_reason(HOURS, day) == "weekend"


def test_an_office_that_opens_on_saturdays_is_open_on_a_saturday():
    hours = OfficeHours(open_weekdays=(0, 1, 2, 3, 4, 5))
    assert is_open_day(hours, date(2026, 11, 28))
    assert not is_open_day(hours, date(2026, 11, 29))


def test_an_offices_own_closure_day_is_closed_with_its_own_reason():
    hours = OfficeHours(extra_closed=frozenset({OPEN_DAY}))
    assert not is_open_day(hours, OPEN_DAY)
    assert closure_reason(hours, OPEN_DAY) == "office_holiday"
    assert is_open_day(hours, OPEN_DAY + timedelta(days=1))


# --- business day and time zone ---------------------------------------------------------------


def test_the_business_day_is_the_tokyo_date_even_when_utc_is_still_the_day_before():
    just_after_midnight_tokyo = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # 00:30 JST on 24th
    assert business_day(just_after_midnight_tokyo) == date(2026, 11, 24)


def test_the_business_day_of_a_tokyo_morning_is_the_same_date_in_utc_and_tokyo():
    assert business_day(datetime(2026, 11, 24, 0, 0, tzinfo=UTC)) == date(2026, 11, 24)


def test_the_business_day_changes_at_tokyo_midnight_not_utc_midnight():
    before = datetime(2026, 11, 24, 14, 59, tzinfo=UTC)  # 23:59 JST
    after = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 00:00 JST on the 25th
    assert business_day(before) == date(2026, 11, 24)
    assert business_day(after) == date(2026, 11, 25)


def test_a_naive_datetime_is_read_as_utc_as_the_database_stores_it():
    assert local(datetime(2026, 11, 23, 23, 30)) == tokyo(2026, 11, 24, 8, 30)
    assert business_day(datetime(2026, 11, 23, 15, 30)) == date(2026, 11, 24)


def test_local_converts_any_aware_datetime_to_tokyo():
    converted = local(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    assert converted.tzinfo is TOKYO
    assert (converted.hour, converted.minute) == (10, 0)


def test_the_system_clock_is_aware_and_in_tokyo():
    now = system_clock()
    assert now.tzinfo is TOKYO
    assert now.utcoffset() == timedelta(hours=9)


# --- issuing hours ----------------------------------------------------------------------------


def test_the_default_hours_are_830_to_1715_with_issuing_until_1700():
    assert (HOURS.opens, HOURS.closes, HOURS.issue_until) == (time(8, 30), time(17, 15), time(17))


@pytest.mark.parametrize("hm", [(8, 30), (10, 0), (12, 0), (16, 59)])
def test_tickets_are_issued_on_an_open_day_between_opening_and_cut_off(hm):
    status = issuing_status(HOURS, tokyo(2026, 11, 24, *hm))
    assert status.open
    assert status.reason is None
    assert status.opens_at is None


@pytest.mark.parametrize("hm", [(0, 0), (7, 0), (8, 29)])
def test_before_opening_issuing_is_closed_until_todays_opening(hm):
    status = issuing_status(HOURS, tokyo(2026, 11, 24, *hm))
    assert not status.open
    assert status.reason == "before_opening"
    assert status.opens_at == tokyo(2026, 11, 24, 8, 30)


@pytest.mark.parametrize("hm", [(17, 0), (17, 10), (17, 15), (23, 59)])
def test_after_the_cut_off_issuing_is_closed_until_the_next_days_opening(hm):
    status = issuing_status(HOURS, tokyo(2026, 11, 24, *hm))
    assert not status.open
    assert status.reason == "after_cutoff"
    assert status.opens_at == tokyo(2026, 11, 25, 8, 30)


def test_after_the_cut_off_on_friday_the_next_opening_is_monday():
    status = issuing_status(HOURS, tokyo(2026, 11, 27, 17, 30))
    assert status.reason == "after_cutoff"
    assert status.opens_at == tokyo(2026, 11, 30, 8, 30)


def test_on_a_holiday_issuing_is_closed_with_the_holiday_as_reason_and_the_next_opening():
    status = issuing_status(HOURS, tokyo(2026, 11, 23, 10, 0))
    assert not status.open
    assert status.reason == "holiday:勤労感謝の日"
    assert status.opens_at == tokyo(2026, 11, 24, 8, 30)


def test_on_a_sunday_before_a_holiday_the_next_opening_skips_the_holiday():
    status = issuing_status(HOURS, tokyo(2026, 11, 22, 10, 0))
    assert status.reason == "weekend"
    assert status.opens_at == tokyo(2026, 11, 24, 8, 30)


def test_during_the_year_end_closure_issuing_reopens_on_the_first_working_day_of_january():
    status = issuing_status(HOURS, tokyo(2026, 12, 29, 10, 0))
    assert status.reason == "year_end"
    assert status.opens_at == tokyo(2027, 1, 4, 8, 30)


def test_issuing_uses_tokyo_time_for_a_utc_instant_across_utc_midnight():
    # 23:45 UTC on the 23rd is 08:45 JST on Tuesday the 24th: open.
    assert issuing_status(HOURS, datetime(2026, 11, 23, 23, 45, tzinfo=UTC)).open
    # 23:15 UTC on the 23rd is 08:15 JST on the 24th: not yet open, though UTC says a holiday.
    status = issuing_status(HOURS, datetime(2026, 11, 23, 23, 15, tzinfo=UTC))
    assert status.reason == "before_opening"
    assert status.opens_at == tokyo(2026, 11, 24, 8, 30)


def test_issuing_at_15_utc_is_already_the_next_tokyo_day():
    # 15:30 UTC on Monday the 23rd (a holiday in Tokyo) is 00:30 JST on Tuesday.
    status = issuing_status(HOURS, datetime(2026, 11, 23, 15, 30, tzinfo=UTC))
    assert status.reason == "before_opening"


def test_an_office_with_an_earlier_cut_off_stops_issuing_earlier():
    hours = OfficeHours(issue_until=time(16, 30))
    assert issuing_status(hours, tokyo(2026, 11, 24, 16, 29)).open
    assert issuing_status(hours, tokyo(2026, 11, 24, 16, 30)).reason == "after_cutoff"


def test_the_next_opening_is_today_when_still_ahead_and_strictly_after_now():
    assert next_opening(HOURS, tokyo(2026, 11, 24, 6, 0)) == tokyo(2026, 11, 24, 8, 30)
    assert next_opening(HOURS, tokyo(2026, 11, 24, 8, 30)) == tokyo(2026, 11, 25, 8, 30)


def test_the_next_opening_is_returned_in_tokyo_time():
    opening = next_opening(HOURS, datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    assert opening.tzinfo is TOKYO
    assert opening == tokyo(2026, 11, 25, 8, 30)


def test_an_office_that_never_opens_has_no_next_opening():
    with pytest.raises(ValueError):
        next_opening(OfficeHours(open_weekdays=()), tokyo(2026, 11, 24, 10, 0))


# --- fiscal year ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2026, 4, 1), 2026),
        (date(2026, 11, 24), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2027, 3, 31), 2026),
        (date(2026, 3, 31), 2025),
    ],
)
def test_the_fiscal_year_starts_in_april_and_is_named_by_its_aprils_year(day, fy):
    assert fiscal_year(day) == fy


def test_a_fiscal_year_runs_from_1_april_to_31_march():
    assert fiscal_year_bounds(2026) == (date(2026, 4, 1), date(2027, 3, 31))


def test_the_bounds_of_a_fiscal_year_belong_to_that_fiscal_year():
    first, last = fiscal_year_bounds(2026)
    assert fiscal_year(first) == fiscal_year(last) == 2026
    assert fiscal_year(first - timedelta(days=1)) == 2025
    assert fiscal_year(last + timedelta(days=1)) == 2027


# --- busy season ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", [date(2027, 3, 15), date(2027, 3, 31), date(2027, 4, 1), date(2027, 4, 15)]
)
def test_the_moving_season_from_15_march_to_15_april_is_busy(day):
    assert is_busy_season(day)
    assert BUSY_SEASON.contains(day)


@pytest.mark.parametrize("day", [date(2027, 3, 14), date(2027, 4, 16), date(2026, 11, 24)])
def test_days_outside_the_moving_season_are_not_busy(day):
    assert not is_busy_season(day)


def test_a_season_may_wrap_over_the_new_year():
    winter = Season(start=(12, 20), end=(1, 10), name="winter")
    assert winter.contains(date(2026, 12, 20))
    assert winter.contains(date(2026, 12, 31))
    assert winter.contains(date(2027, 1, 10))
    assert not winter.contains(date(2027, 1, 11))
    assert not winter.contains(date(2026, 12, 19))


def test_an_office_may_declare_its_own_busy_seasons():
    seasons = (BUSY_SEASON, Season(start=(9, 25), end=(10, 5), name="autumn"))
    assert is_busy_season(date(2026, 10, 1), seasons)
    assert not is_busy_season(date(2026, 10, 1))
    assert not is_busy_season(date(2027, 3, 20), ())
