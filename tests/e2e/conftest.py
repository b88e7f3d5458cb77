"""Browser tests: a real server process on loopback and Debian's Chromium driven by Playwright.

The server runs ``flask serve`` (the embedded default: threading, SQLite) on a clock that
starts at a chosen moment, so opening hours and holidays are under the test's control.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy.orm import Session

from junban import migrate
from junban.db import make_engine
from tests.conftest import CI
from tests.helpers import make_office, make_staff

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]

# Speech synthesis replaced by a recorder: the test reads exactly what would have been said.
# The stub has a Japanese and an English voice unless the page sets window.__noVoices first.
SPEECH_STUB = """
window.__spoken = [];
const fakeVoices = [{ lang: "ja-JP", name: "stub ja", default: true, localService: true },
                    { lang: "en-US", name: "stub en", default: false, localService: true }];
const fakeSynth = {
  speak(u) { window.__spoken.push({ text: u.text, lang: u.lang });
             setTimeout(() => u.onend && u.onend(), 20); },
  getVoices() { return window.__noVoices ? [] : fakeVoices; },
  cancel() {}, pause() {}, resume() {},
};
Object.defineProperty(window, "speechSynthesis", { value: fakeSynth, configurable: true });
window.SpeechSynthesisUtterance = class {
  constructor(text) { this.text = text; this.lang = ""; this.voice = null; this.rate = 1; }
};
window.print = () => { window.__printed = (window.__printed || 0) + 1; };
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """One ``flask serve`` process; stop() and start() again to test a server restart."""

    def __init__(self, tmp_path: Path, clock: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url = f"sqlite:///{tmp_path / 'e2e.db'}"
        self.env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": self.db_url,
                    "JUNBAN_INSTANCE": str(tmp_path), "SECRET_KEY": "e2e-secret",
                    "JUNBAN_CLOCK": clock, "RATELIMIT_ENABLED": "0", "KIOSK_RESET_SECONDS": "60"}
        self.env.pop("REDIS_URL", None)
        self.log = open(tmp_path / "server.log", "ab")  # noqa: SIM115 — closed in close()
        self.proc: subprocess.Popen | None = None
        migrate.upgrade(self.db_url)

    def seed(self, fn):
        engine = make_engine(self.db_url)
        with Session(engine, expire_on_commit=False) as session:
            result = fn(session)
        engine.dispose()
        return result

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "serve", "--host", "127.0.0.1", "--port",
             str(self.port)], cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start; see server.log")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def close(self) -> None:
        self.stop()
        self.log.close()


def seed_office(session):
    office = make_office(session, "chuo", services=("idou", "shomei"),
                         counters=[("1", ["idou"], "oldest"), ("2", ["idou", "shomei"], "oldest")])
    make_staff(session, "clerk", offices=[office])
    return office.code


@pytest.fixture
def server_at(tmp_path):
    """``server_at("2026-11-24T10:00")``: a seeded server whose clock starts then."""
    servers = []

    def start(clock: str = "2026-11-24T10:00") -> LiveServer:
        server = LiveServer(tmp_path, clock)
        server.seed(seed_office)
        server.start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.close()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if CI:
            pytest.fail("Chromium is required in CI: scripts/bootstrap.sh --browser installs it")
        pytest.skip("Chromium not installed (scripts/bootstrap.sh --browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, tmp_path):
    """Pages with speech and printing stubbed, failing the test on any page error."""
    contexts, errors = [], []

    def make(viewport=(1280, 900), locale="ja-JP", init_script=""):
        ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                  locale=locale)
        ctx.add_init_script(init_script + SPEECH_STUB)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(15000)
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    assert not errors, errors


def login(page, base: str, username: str = "clerk") -> None:
    from tests.helpers import PASSWORD

    page.goto(f"{base}/counter/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/counter/")
