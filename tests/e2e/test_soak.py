"""An hour of a clerk's day in a minute: the hall display and three phones stay open while two
counters issue, call and finish on a clock running 60 times real speed, and the server is
restarted in the middle. Every call must be announced once, in order; no screen may freeze."""

import math
import random
import re
import time
from datetime import datetime, timedelta

import pytest
import requests

from tests.e2e.conftest import LiveServer
from tests.helpers import PASSWORD, make_office, make_staff

pytestmark = pytest.mark.e2e

SPEED = 60  # one simulated minute per real second
START = datetime(2026, 11, 24, 10, 0)
HOUR_S = 60.0


def _seed(session):
    office = make_office(session, "chuo", services=("idou", "shomei"),
                         counters=[("1", ["idou", "shomei"], "oldest"),
                                   ("2", ["shomei", "idou"], "ordered")])
    make_staff(session, "clerk", offices=[office])
    make_staff(session, "clerk2", offices=[office])
    return [c.id for c in office.counters]


def _spoken_ja(display_number: str, counter: str) -> str:
    prefix, digits = re.match(r"([A-Z]*)(\d+)", display_number).groups()
    return f"受付番号 {prefix}{int(digits)}番の方、{counter}番窓口へお越しください"


class Day:
    """Residents and two clerks driven through the REST API on the fast clock."""

    def __init__(self, server: LiveServer, counters: list[int], seed: int = 7):
        self.server, self.rng = server, random.Random(seed)
        self.counters = counters
        self.headers = {}
        self.current: dict[int, tuple[str, float] | None] = {c: None for c in counters}
        self.calls: list[tuple[str, str]] = []  # (display number, counter name) in call order
        self.tickets: list[dict] = []
        self.login()

    def login(self) -> None:
        for cid, user in zip(self.counters, ("clerk", "clerk2"), strict=True):
            r = requests.post(f"{self.server.url}/api/v1/auth/token",
                              json={"username": user, "password": PASSWORD}, timeout=10)
            self.headers[cid] = {"Authorization": f"Bearer {r.json()['token']}"}
            r = requests.post(f"{self.server.url}/api/v1/counters/{cid}/take",
                              headers=self.headers[cid], timeout=10)
            assert r.status_code == 200, r.text

    def issue(self) -> dict:
        service = "idou" if self.rng.random() < 0.4 else "shomei"
        r = requests.post(f"{self.server.url}/api/v1/offices/chuo/tickets",
                          json={"service": service}, timeout=10)
        assert r.status_code == 201, r.text
        self.tickets.append(r.json())
        return r.json()

    def act(self, cid: int, action: str) -> requests.Response:
        return requests.post(f"{self.server.url}/api/v1/counters/{cid}/{action}",
                             headers=self.headers[cid], timeout=10)

    def tick(self) -> None:
        """One quarter second: maybe a resident arrives; each counter finishes or calls."""
        if self.rng.random() < 0.3:
            self.issue()
        now = time.monotonic()
        for cid in self.counters:
            cur = self.current[cid]
            if cur is not None and now >= cur[1]:
                assert self.act(cid, "finish").status_code == 200
                self.current[cid] = None
            if self.current[cid] is None:
                r = self.act(cid, "call")
                if r.status_code == 200:
                    t = r.json()["ticket"]
                    self.calls.append((t["display_number"], t["counter"]))
                    assert self.act(cid, "start").status_code == 200  # the resident came
                    minutes = self.rng.lognormvariate(math.log(4.0), 0.5)  # service, sim. min
                    self.current[cid] = (t["display_number"], now + minutes * 60 / SPEED)
                else:
                    assert r.status_code == 204, r.text


def _position(server, token):
    return requests.get(f"{server.url}/api/v1/tickets/{token}", timeout=10).json()


def test_an_hour_of_calls_with_a_restart_reaches_every_screen_and_nothing_freezes(
        tmp_path, new_page):
    server = LiveServer(tmp_path, START.isoformat(timespec="minutes"))
    server.env["JUNBAN_CLOCK_SPEED"] = str(SPEED)
    counters = server.seed(_seed)
    server.start()
    try:
        day = Day(server, counters)
        display = new_page((1920, 1080))
        display.goto(f"{server.url}/display/chuo")
        display.wait_for_selector("#live-status[data-state=live]", state="attached")
        phones = []
        for _ in range(3):
            t = day.issue()
            phone = new_page((390, 844))
            phone.goto(f"{server.url}/t/{t['token']}")
            phone.wait_for_selector("#live-status[data-state=live]", state="attached")
            phones.append((phone, t))

        began = time.monotonic()
        restarted = False
        while time.monotonic() - began < HOUR_S:
            if not restarted and time.monotonic() - began > HOUR_S / 2:
                simulated = START + timedelta(seconds=(time.monotonic() - began) * SPEED)
                server.stop()
                display.wait_for_selector("[data-when=offline]:not([hidden])")
                for phone, _ in phones:
                    phone.wait_for_selector("[data-when=offline]:not([hidden])")
                server.env["JUNBAN_CLOCK"] = simulated.isoformat(timespec="seconds")
                server.start()
                display.wait_for_selector("#live-status[data-state=live]", state="attached",
                                          timeout=30000)
                restarted = True
                late = day.issue()  # a resident who arrives after the restart
                phone = new_page((390, 844))
                phone.goto(f"{server.url}/t/{late['token']}")
                phones.append((phone, late))
            day.tick()
            time.sleep(0.25)
        for cid in counters:  # the last residents leave their counters
            if day.current[cid] is not None:
                day.act(cid, "finish")

        assert len(day.calls) >= 20, day.calls
        # Every call was announced once, in the order it was made, never cut off.
        expected = [_spoken_ja(n, c) for n, c in day.calls]
        display.wait_for_function(
            f"window.__spoken.filter(s => s.lang === 'ja-JP').length >= {len(expected)}",
            timeout=120000)
        spoken = [s["text"] for s in display.evaluate("window.__spoken") if s["lang"] == "ja-JP"]
        assert spoken == expected
        # The hall lists the last call first; nobody is at a counter any more; it is live.
        last_number, _ = day.calls[-1]
        display.wait_for_selector(f"#recent li >> nth=0 >> text={last_number}")
        display.wait_for_function("document.querySelectorAll('#calling .call-card').length === 0")
        assert display.get_attribute("#live-status", "data-state") == "live"
        # Each phone shows its ticket as the server knows it.
        for phone, t in phones:
            view = _position(server, t["token"])
            phone.wait_for_selector("#live-status[data-state=live]", state="attached",
                                    timeout=30000)
            if view["status"] == "waiting":
                phone.wait_for_function(
                    f"document.getElementById('ahead').textContent === '{view['position']}'")
            else:
                phone.wait_for_function("document.getElementById('ahead').textContent === '—'")
    finally:
        server.close()
