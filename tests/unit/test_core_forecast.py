"""The crowding forecast averages the same weekday of past weeks, hour by hour."""

from datetime import date

from core.forecast import Visit, forecast_day, level_of

TUE = date(2026, 11, 24)


def test_the_forecast_averages_arrivals_and_waits_of_the_same_weekday_only():
    visits = [Visit(date(2026, 11, 17), 9, 30), Visit(date(2026, 11, 17), 9, 50),
              Visit(date(2026, 11, 10), 9, 10), Visit(date(2026, 11, 18), 9, 99)]
    nine = forecast_day(visits, TUE, range(9, 10))[0]
    assert nine.arrivals == 1.5  # three visits on two Tuesdays
    assert nine.wait_min == 30
    assert nine.level == "busy"


def test_the_day_itself_and_later_days_are_not_history():
    assert forecast_day([Visit(TUE, 10, 5)], TUE, range(10, 11))[0].arrivals == 0


def test_hours_without_history_say_so():
    assert forecast_day([], TUE, range(8, 9))[0].level == "unknown"


def test_levels_are_quiet_busy_and_very_busy_by_average_wait():
    assert [level_of(w) for w in (5, 20, 60)] == ["quiet", "busy", "very_busy"]
