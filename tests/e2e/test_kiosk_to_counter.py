"""A resident takes a ticket at the kiosk and a clerk serves it at the counter, in Chromium."""

import re

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_a_ticket_taken_at_the_kiosk_is_called_and_served_at_the_counter(server_at, new_page):
    server = server_at("2026-11-24T10:00")
    kiosk = new_page((1080, 1400))
    kiosk.goto(f"{server.url}/kiosk/chuo")
    kiosk.click("[data-service=idou]")
    kiosk.wait_for_selector("#screen-ticket:not([hidden])")
    assert kiosk.inner_text("#t-number") == "A001"
    assert "0" in kiosk.inner_text("#t-ahead")
    kiosk.wait_for_function("document.getElementById('t-qr').naturalWidth > 0")
    kiosk.wait_for_function("window.__printed === 1")
    token = re.search(r"/qr/([^/]+)\.svg", kiosk.get_attribute("#t-qr", "src")).group(1)

    clerk = new_page((1400, 900))
    login(clerk, server.url)
    clerk.goto(f"{server.url}/counter/1")
    clerk.click("#take")
    clerk.wait_for_selector("#pause:not([hidden])")
    clerk.wait_for_selector("#queue >> text=A001")
    clerk.keyboard.press("n")
    clerk.wait_for_selector("#current-ticket:not([hidden])")
    assert clerk.inner_text("#c-number") == "A001"
    clerk.keyboard.press("s")
    clerk.wait_for_selector("[data-action=start]:disabled")
    clerk.keyboard.press("f")
    clerk.wait_for_selector("#current-empty:not([hidden])")

    phone = new_page((390, 844))
    phone.goto(f"{server.url}/t/{token}")
    phone.wait_for_function("document.getElementById('ahead').textContent === '—'")
    assert phone.inner_text("#number") == "A001"
    assert not phone.is_visible("#cancel")


def test_the_kiosk_shows_the_closed_screen_on_a_holiday_and_issues_nothing(server_at, new_page):
    server = server_at("2026-11-23T10:00")  # 勤労感謝の日
    kiosk = new_page((1080, 1400))
    kiosk.goto(f"{server.url}/kiosk/chuo")
    assert kiosk.is_visible("#screen-closed")
    assert not kiosk.is_visible("[data-service=idou]")
    assert "勤労感謝の日" in kiosk.inner_text("#closed-reason")
    kiosk.goto(f"{server.url}/kiosk/chuo?lang=en")
    assert kiosk.is_visible("#screen-closed")


def test_the_kiosk_returns_to_the_start_in_japanese_after_a_resident_used_english(
        server_at, new_page):
    server = server_at("2026-11-24T10:00")
    kiosk = new_page((1080, 1400))
    kiosk.goto(f"{server.url}/kiosk/chuo?lang=en")
    kiosk.click("[data-service=shomei]")
    kiosk.wait_for_selector("#screen-ticket:not([hidden])")
    assert kiosk.inner_text("#t-number") == "B001"
    kiosk.click("#done")
    kiosk.wait_for_url(f"{server.url}/kiosk/chuo")
    kiosk.wait_for_selector("#screen-start:not([hidden])")
    assert kiosk.get_attribute("html", "lang") == "ja"
