"""Issue and call (SPEC §7): N kiosks issuing over HTTP while M counters call, start and
finish at the same time, against a real server (``flask serve`` on loopback, rate limits off).

Reports tickets/s, issue and call latency percentiles, and the two §2.2 failures: numbers
issued twice and tickets called by two counters, each counted twice over, from the responses
the clients saw and from the database and its event log.
"""

import random
import threading
import time
from collections import Counter

import requests
from sqlalchemy import create_engine, text

from bench.server import OFFICE, PASSWORD, Servers, percentile

SERVICES = (("idou", 0.6), ("shomei", 0.4))  # (service, share of the kiosks' tickets)
IDLE_STOP = 3  # a counter stops after this many empty calls in a row once the kiosks are done


class Log:
    """What the clients saw, appended from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.issued: list[tuple[float, int, tuple | None]] = []  # (ms, status, (service, no))
        self.calls: list[tuple[float, int, str | None, int]] = []  # (ms, status, token, counter)
        self.other_errors = 0

    def add(self, name: str, rows: list) -> None:
        with self.lock:
            getattr(self, name).extend(rows)


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def _kiosk(url: str, n: int, rng: random.Random, start: threading.Barrier, log: Log) -> None:
    rows = []
    with requests.Session() as s:
        start.wait()
        for _ in range(n):
            service = "idou" if rng.random() < SERVICES[0][1] else "shomei"
            t0 = time.perf_counter()
            r = s.post(f"{url}/api/v1/offices/{OFFICE}/tickets", json={"service": service},
                       timeout=120)
            ms = _ms(t0)
            body = r.json() if r.status_code == 201 else {}
            rows.append((ms, r.status_code, (body["service"], body["number"]) if body else None))
    log.add("issued", rows)


def _counter(url: str, counter_id: int, username: str, start: threading.Barrier,
             kiosks_done: threading.Event, log: Log) -> None:
    rows, errors = [], 0
    with requests.Session() as s:
        try:
            r = s.post(f"{url}/api/v1/auth/token", timeout=60,
                       json={"username": username, "password": PASSWORD})
            r.raise_for_status()
            s.headers["Authorization"] = f"Bearer {r.json()['token']}"
            s.post(f"{url}/api/v1/counters/{counter_id}/take", timeout=60).raise_for_status()
        except Exception:
            start.abort()  # release everyone at the barrier: the run fails instead of hanging
            raise
        start.wait()
        idle = 0
        while idle < IDLE_STOP:
            t0 = time.perf_counter()
            r = s.post(f"{url}/api/v1/counters/{counter_id}/call", timeout=120)
            ms = _ms(t0)
            if r.status_code != 200:
                rows.append((ms, r.status_code, None, counter_id))
                # 204: nothing to call yet; stop once the kiosks are done and it stays empty.
                idle = idle + 1 if kiosks_done.is_set() else 0
                time.sleep(0.05)
                continue
            idle = 0
            rows.append((ms, 200, r.json()["ticket"]["token"], counter_id))
            for action in ("start", "finish"):
                if s.post(f"{url}/api/v1/counters/{counter_id}/{action}",
                          timeout=120).status_code != 200:
                    errors += 1
    log.add("calls", rows)
    with log.lock:
        log.other_errors += errors


def _audit(database_url: str) -> dict:
    """Duplicates and double calls as the database and its event log record them."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        def one(sql: str) -> int:
            return int(conn.execute(text(sql)).scalar_one())

        audit = {
            "tickets": one("SELECT count(*) FROM ticket"),
            "duplicates": one(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM ticket "
                "GROUP BY office_id, service_id, business_day, number) AS g"),
            "called_events": one("SELECT count(*) FROM event WHERE kind = 'called'"),
            "double_calls": one(
                "SELECT count(*) FROM (SELECT step_id FROM event WHERE kind = 'called' "
                "GROUP BY step_id HAVING count(*) > 1) AS g"),
            "not_done": one("SELECT count(*) FROM step WHERE state <> 'done'"),
        }
    engine.dispose()
    return audit


def _counters(url: str, n: int) -> list[tuple[int, str]]:
    offices = requests.get(f"{url}/api/v1/offices", timeout=60).json()
    ids = [c["id"] for o in offices if o["code"] == OFFICE for c in o["counters"]]
    if n > len(ids):
        raise ValueError(f"at most {len(ids)} counters")
    return [(cid, f"clerk{i + 1}") for i, cid in enumerate(ids[:n])]


def run(seed: int = 1, kiosks: int = 16, counters: int = 8, tickets: int = 800,
        database_url: str | None = None, app_config=None) -> dict:
    """Run the race on a fresh database: a temp SQLite, or ``database_url`` emptied first.

    ``app_config`` (the CLI's app) is not used: the server has its own config and database.
    """
    rng = random.Random(seed)
    log = Log()
    with Servers("embedded", database_url=database_url) as servers:
        url = servers.urls[0]
        per = [tickets // kiosks + (1 if i < tickets % kiosks else 0) for i in range(kiosks)]
        start = threading.Barrier(kiosks + counters + 1)
        kiosks_done = threading.Event()
        ks = [threading.Thread(target=_kiosk,
                               args=(url, per[i], random.Random(rng.random()), start, log))
              for i in range(kiosks)]
        cs = [threading.Thread(target=_counter, args=(url, cid, user, start, kiosks_done, log))
              for cid, user in _counters(url, counters)]
        for t in ks + cs:
            t.start()
        start.wait()
        t0 = time.perf_counter()
        for t in ks:
            t.join()
        issue_s = time.perf_counter() - t0
        kiosks_done.set()
        for t in cs:
            t.join()
        total_s = time.perf_counter() - t0
        audit = _audit(servers.database_url)
    issued_ok = [row for row in log.issued if row[1] == 201]
    calls_ok = [row for row in log.calls if row[1] == 200]
    seen_numbers = Counter(row[2] for row in issued_ok)
    seen_calls = Counter(row[2] for row in calls_ok)
    issue_ms = [row[0] for row in issued_ok]
    call_ms = [row[0] for row in calls_ok]
    return {
        "seed": seed,
        "database": "postgresql" if servers.database_url.startswith("postgresql") else "sqlite",
        "kiosks": kiosks, "counters": counters, "tickets": len(issued_ok),
        "issue_errors": len(log.issued) - len(issued_ok),
        "call_errors": sum(1 for row in log.calls if row[1] not in (200, 204))
        + log.other_errors,
        "tickets_per_s": round(len(issued_ok) / issue_s, 1) if issue_s else 0.0,
        "p50_ms": round(percentile(issue_ms, 50), 1),
        "p99_ms": round(percentile(issue_ms, 99), 1),
        "calls": len(calls_ok),
        "call_p50_ms": round(percentile(call_ms, 50), 1),
        "call_p99_ms": round(percentile(call_ms, 99), 1),
        "issue_seconds": round(issue_s, 1), "seconds": round(total_s, 1),
        "duplicates": audit["duplicates"],
        "duplicates_seen": sum(n - 1 for n in seen_numbers.values()),
        "double_calls": audit["double_calls"],
        "double_calls_seen": sum(1 for n in seen_calls.values() if n > 1),
        "stored_tickets": audit["tickets"], "called_events": audit["called_events"],
        "not_done": audit["not_done"],
    }


def render(r: dict) -> None:
    print(f"Issue and call on {r['database']}: {r['kiosks']} kiosks, {r['counters']} counters, "
          f"seed {r['seed']}")
    print(f"  tickets issued   {r['tickets']} in {r['issue_seconds']} s "
          f"({r['issue_errors']} errors), stored {r['stored_tickets']}")
    print(f"  tickets/s        {r['tickets_per_s']}")
    print(f"  issue latency    p50 {r['p50_ms']} ms   p99 {r['p99_ms']} ms")
    print(f"  call latency     p50 {r['call_p50_ms']} ms   p99 {r['call_p99_ms']} ms "
          f"({r['calls']} calls, {r['call_errors']} errors; {r['not_done']} left not done)")
    print(f"  duplicates       {r['duplicates']} in the database, "
          f"{r['duplicates_seen']} in responses")
    print(f"  double calls     {r['double_calls']} in the event log, "
          f"{r['double_calls_seen']} in responses")
    print(f"  total            {r['seconds']} s")
