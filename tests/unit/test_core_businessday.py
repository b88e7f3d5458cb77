"""Business days in Asia/Tokyo: opening hours, issuing cut-off, weekends, national holidays,
the year-end closure, fiscal years and the moving season."""

from datetime import UTC, date, datetime, time

from core.businessday import (
    TOKYO,
    OfficeHours,
    Season,
    business_day,
    closure_reason,
    fiscal_year,
    fiscal_year_bounds,
    is_busy_season,
    issuing_status,
    next_opening,
)

HOURS = OfficeHours(opens=time(8, 30), closes=time(17, 15), issue_until=time(17, 0))


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TOKYO)


def test_the_business_day_is_the_date_in_tokyo_not_in_utc():
    # 2026-11-24 23:30 UTC is already 25 November in Tokyo.
    assert business_day(datetime(2026, 11, 24, 23, 30, tzinfo=UTC)) == date(2026, 11, 25)


def test_tickets_are_issued_on_a_weekday_between_opening_and_the_cut_off():
    assert issuing_status(HOURS, at(2026, 11, 24, 10)).open


def test_before_opening_issuing_is_closed_and_says_when_it_opens():
    status = issuing_status(HOURS, at(2026, 11, 24, 8, 0))
    assert not status.open and status.reason == "before_opening"
    assert status.opens_at == at(2026, 11, 24, 8, 30)


def test_after_the_cut_off_issuing_is_closed_until_the_next_working_morning():
    status = issuing_status(HOURS, at(2026, 11, 27, 17, 1))  # a Friday
    assert not status.open and status.reason == "after_cutoff"
    assert status.opens_at == at(2026, 11, 30, 8, 30)  # Monday


def test_a_minute_before_the_cut_off_tickets_are_still_issued():
    assert issuing_status(HOURS, at(2026, 11, 24, 16, 59)).open


def test_weekends_are_closed():
    assert closure_reason(HOURS, date(2026, 11, 28)) == "weekend"


def test_a_national_holiday_is_closed_with_its_name():
    assert closure_reason(HOURS, date(2026, 11, 23)) == "holiday:勤労感謝の日"
    status = issuing_status(HOURS, at(2026, 11, 23, 10))
    assert not status.open and status.reason.startswith("holiday:")


def test_the_year_end_and_new_year_days_are_closed():
    for day in (date(2026, 12, 29), date(2026, 12, 31), date(2027, 1, 4 - 1)):
        assert closure_reason(HOURS, day) in ("year_end", "weekend")
    assert closure_reason(HOURS, date(2026, 12, 28)) is None
    assert next_opening(HOURS, at(2026, 12, 28, 18)) == at(2027, 1, 4, 8, 30)


def test_an_office_can_close_on_its_own_days():
    hours = OfficeHours(extra_closed=frozenset({date(2026, 11, 25)}))
    assert closure_reason(hours, date(2026, 11, 25)) == "office_holiday"


def test_the_fiscal_year_starts_in_april():
    assert fiscal_year(date(2027, 3, 31)) == 2026
    assert fiscal_year(date(2027, 4, 1)) == 2027
    assert fiscal_year_bounds(2026) == (date(2026, 4, 1), date(2027, 3, 31))


def test_the_moving_season_runs_from_mid_march_to_mid_april():
    assert is_busy_season(date(2027, 3, 15)) and is_busy_season(date(2027, 4, 15))
    assert not is_busy_season(date(2027, 3, 14)) and not is_busy_season(date(2027, 4, 16))


def test_a_season_may_wrap_over_the_new_year():
    winter = Season((12, 20), (1, 10), "winter")
    assert winter.contains(date(2026, 12, 25)) and winter.contains(date(2027, 1, 5))
    assert not winter.contains(date(2027, 2, 1))
