"""A clerk calls and the hall display and a resident's phone show it at once; screens survive a
server restart by themselves."""

import pytest
import requests

from tests.e2e.conftest import login
from tests.helpers import PASSWORD

pytestmark = pytest.mark.e2e


def _issue(server, service="idou"):
    r = requests.post(f"{server.url}/api/v1/offices/chuo/tickets", json={"service": service},
                      timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def _clerk_api(server):
    r = requests.post(f"{server.url}/api/v1/auth/token",
                      json={"username": "clerk", "password": PASSWORD}, timeout=10)
    h = {"Authorization": f"Bearer {r.json()['token']}"}
    counter = requests.get(f"{server.url}/api/v1/offices", timeout=10).json()[0]["counters"][0]
    assert requests.post(f"{server.url}/api/v1/counters/{counter['id']}/take", headers=h,
                         timeout=10).status_code == 200
    return counter["id"], h


def test_a_call_reaches_the_hall_display_and_the_phone_with_the_japanese_announcement(
        server_at, new_page):
    server = server_at()
    ticket = _issue(server)
    display = new_page((1920, 1080))
    display.goto(f"{server.url}/display/chuo")
    display.wait_for_selector("#live-status[data-state=live]", state="attached")
    phone = new_page((390, 844))
    phone.goto(ticket["status_url"].replace("http://127.0.0.1", "http://127.0.0.1"))
    phone.wait_for_selector("#live-status[data-state=live]", state="attached")
    assert phone.inner_text("#ahead") == "0"

    clerk = new_page((1400, 900))
    login(clerk, server.url)
    clerk.goto(f"{server.url}/counter/1")
    clerk.click("#take")
    clerk.wait_for_selector("#pause:not([hidden])")
    clerk.click("[data-action=call]")

    display.wait_for_selector(".call-card.is-new >> text=A001")
    assert "1" in display.inner_text(".call-card .call-counter")
    display.wait_for_function("window.__spoken.length >= 2")
    spoken = display.evaluate("window.__spoken")
    assert spoken[0] == {"text": "受付番号 A1番の方、1番窓口へお越しください", "lang": "ja-JP"}
    assert spoken[1] == {"text": "Number A1, please come to counter 1.", "lang": "en-US"}
    phone.wait_for_selector("#called:not([hidden])")
    assert "1" in phone.inner_text("#called")

    # A second and a third call while the first is announced are queued, never cut off.
    for _ in range(2):
        _issue(server)
    clerk.click("[data-action=start]")
    clerk.wait_for_selector("[data-action=finish]:enabled")
    clerk.click("[data-action=finish]")
    clerk.wait_for_selector("[data-action=call]:enabled")
    clerk.click("[data-action=call]")
    display.wait_for_function("window.__spoken.length >= 4")
    second = display.evaluate("window.__spoken[2].text")
    assert second == "受付番号 A2番の方、1番窓口へお越しください"
    # The highlight of the newest call stops blinking within 5 seconds.
    display.wait_for_timeout(5000)
    running = display.evaluate(
        "document.getAnimations().filter(a => a.playState === 'running').length")
    assert running == 0


def test_screens_show_the_offline_banner_when_the_server_stops_and_recover_after_restart(
        server_at, new_page):
    server = server_at()
    display = new_page((1920, 1080))
    display.goto(f"{server.url}/display/chuo")
    display.wait_for_selector("#live-status[data-state=live]", state="attached")
    ticket = _issue(server)
    phone = new_page((390, 844))
    phone.goto(f"{server.url}/t/{ticket['token']}")
    phone.wait_for_selector("#live-status[data-state=live]", state="attached")

    server.stop()
    display.wait_for_selector("[data-when=offline]:not([hidden])")
    phone.wait_for_selector("[data-when=offline]:not([hidden])")
    assert display.evaluate("document.body.classList.contains('is-offline')")

    server.start()
    display.wait_for_selector("#live-status[data-state=live]", state="attached", timeout=30000)
    phone.wait_for_selector("#live-status[data-state=live]", state="attached", timeout=30000)
    counter, h = _clerk_api(server)
    r = requests.post(f"{server.url}/api/v1/counters/{counter}/call", headers=h, timeout=10)
    assert r.json()["ticket"]["display_number"] == "A001"
    display.wait_for_selector(".call-card >> text=A001")
    phone.wait_for_selector("#called:not([hidden])")
