"""A real Junban server for the benchmarks: its own database, seeded, in its own processes.

``embedded`` is the default deployment (``flask serve``: threading, SQLite, no Redis);
``redis`` runs several gunicorn processes with gevent workers sharing Redis as the Socket.IO
message queue, as in production.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"
OFFICE = "bench"
SEED = {
    "offices": [{
        "code": OFFICE, "names": {"ja": "ベンチ区役所", "en": "Bench ward"},
        "services": [
            {"code": "idou", "prefix": "A", "range": [1, 9999], "service_minutes": 15},
            {"code": "shomei", "prefix": "B", "range": [1, 9999], "service_minutes": 5},
        ],
        "counters": [{"name": str(i + 1), "services": ["idou", "shomei"]} for i in range(32)],
    }],
    "staff": [{"username": f"clerk{i + 1}", "password": PASSWORD, "role": "clerk",
               "offices": [OFFICE]} for i in range(32)],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_database(url: str) -> None:
    from junban import migrate
    from junban.db import make_engine
    from junban.seed import apply_seed

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        apply_seed(session, SEED)
        session.commit()
    engine.dispose()


class Servers:
    """``with Servers("redis", processes=2) as s: s.urls`` — one URL per server process."""

    def __init__(self, mode: str = "embedded", processes: int = 1, database_url: str | None = None,
                 redis_url: str = "redis://127.0.0.1:6379/14", clock: str = "2026-11-24T10:00"):
        self.mode, self.processes = mode, processes if mode == "redis" else 1
        self.tmp = tempfile.TemporaryDirectory(prefix="junban-bench-")
        self.database_url = database_url or f"sqlite:///{self.tmp.name}/bench.db"
        self.env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": self.database_url,
                    "JUNBAN_INSTANCE": self.tmp.name, "SECRET_KEY": uuid.uuid4().hex,
                    "JUNBAN_CLOCK": clock, "RATELIMIT_ENABLED": "0"}
        self.env.pop("REDIS_URL", None)
        if mode == "redis":
            self.env.update({"REDIS_URL": redis_url, "SOCKETIO_ASYNC_MODE": "gevent",
                             "SOCKETIO_CHANNEL": f"junban-bench-{uuid.uuid4().hex[:8]}"})
        self.procs: list[subprocess.Popen] = []
        self.urls: list[str] = []

    def _command(self, port: int) -> list[str]:
        if self.mode == "redis":
            return [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                    "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"]
        return [sys.executable, "-m", "flask", "serve", "--host", "127.0.0.1", "--port", str(port)]

    def __enter__(self) -> "Servers":
        if self.database_url.startswith("postgresql"):
            _reset_postgres(self.database_url)
        seed_database(self.database_url)
        log = open(Path(self.tmp.name) / "server.log", "ab")  # noqa: SIM115 — owned by the procs
        for _ in range(self.processes):
            port = free_port()
            self.procs.append(subprocess.Popen(self._command(port), cwd=ROOT, env=self.env,
                                               stdout=log, stderr=log))
            self.urls.append(f"http://127.0.0.1:{port}")
        for url in self.urls:
            _wait_healthy(url)
        return self

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        self.tmp.cleanup()


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def _reset_postgres(url: str) -> None:
    """Drop every table of a benchmark database so each run starts empty."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]
