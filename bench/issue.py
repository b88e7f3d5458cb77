"""Issue and call (SPEC §7): N kiosks issuing over HTTP while M counters call, start and
finish at the same time. Prints tickets/s, latency percentiles, duplicates and double calls,
read back from the database and the event log, not from the clients' own counts."""

import random
import threading
import time

import requests
from sqlalchemy import create_engine, func, select, text

from bench.server import OFFICE, PASSWORD, Servers, percentile


def _kiosk(url: str, n: int, rng: random.Random, out: list, lock: threading.Lock) -> None:
    own = []
    with requests.Session() as s:
        for _ in range(n):
            service = "idou" if rng.random() < 0.6 else "shomei"
            t = time.perf_counter()
            r = s.post(f"{url}/api/v1/offices/{OFFICE}/tickets", json={"service": service},
                       timeout=60)
            own.append(((time.perf_counter() - t) * 1000, r.status_code))
    with lock:
        out.extend(own)


def _counter(url: str, index: int, stop: threading.Event, out: list,
             lock: threading.Lock) -> None:
    own = []
    with requests.Session() as s:
        token = s.post(f"{url}/api/v1/auth/token", timeout=30,
                       json={"username": f"clerk{index}", "password": PASSWORD}).json()["token"]
        s.headers["Authorization"] = f"Bearer {token}"
        s.post(f"{url}/api/v1/counters/{index}/take", timeout=30)
        idle = 0
        while idle < 3:
            t = time.perf_counter()
            r = s.post(f"{url}/api/v1/counters/{index}/call", timeout=60)
            own.append(((time.perf_counter() - t) * 1000, r.status_code))
            if r.status_code == 204:
                # Nothing to call: wait for the kiosks, stop once they are done and it stays empty.
                idle += 1 if stop.is_set() else 0
                time.sleep(0.05)
                continue
            idle = 0
            s.post(f"{url}/api/v1/counters/{index}/start", timeout=60)
            s.post(f"{url}/api/v1/counters/{index}/finish", timeout=60)
    with lock:
        out.extend(own)


def _audit(database_url: str) -> dict:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        tickets = conn.execute(text("SELECT count(*) FROM ticket")).scalar_one()
        duplicates = conn.execute(text(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM ticket "
            "GROUP BY office_id, service_id, business_day, number) AS g WHERE n > 1")).scalar_one()
        double_calls = conn.execute(text(
            "SELECT count(*) FROM (SELECT step_id FROM event WHERE kind = 'called' "
            "GROUP BY step_id HAVING count(*) > 1) AS g")).scalar_one()
        called = conn.execute(select(func.count()).select_from(text("event"))
                              .where(text("kind = 'called'"))).scalar_one()
    engine.dispose()
    return {"tickets": tickets, "duplicates": int(duplicates), "double_calls": double_calls,
            "called": called}


def run(seed: int = 1, kiosks: int = 16, counters: int = 8, tickets: int = 800,
        database_url: str | None = None, app_config=None) -> dict:
    """Run the race on a fresh database (temp SQLite, or ``database_url`` emptied first)."""
    rng = random.Random(seed)
    with Servers("embedded", database_url=database_url) as servers:
        url = servers.urls[0]
        issued, calls = [], []
        lock = threading.Lock()
        stop = threading.Event()
        per = [tickets // kiosks + (1 if i < tickets % kiosks else 0) for i in range(kiosks)]
        ks = [threading.Thread(target=_kiosk,
                               args=(url, per[i], random.Random(rng.random()), issued, lock))
              for i in range(kiosks)]
        cs = [threading.Thread(target=_counter, args=(url, i + 1, stop, calls, lock))
              for i in range(counters)]
        t0 = time.perf_counter()
        for t in ks + cs:
            t.start()
        for t in ks:
            t.join()
        issue_s = time.perf_counter() - t0
        stop.set()
        for t in cs:
            t.join()
        total_s = time.perf_counter() - t0
        audit = _audit(servers.database_url)
    ok = [ms for ms, status in issued if status == 201]
    call_ms = [ms for ms, status in calls if status == 200]
    backend = "postgresql" if servers.database_url.startswith("postgresql") else "sqlite"
    return {"seed": seed, "database": backend, "kiosks": kiosks, "counters": counters,
            "tickets": len(ok), "errors": len(issued) - len(ok),
            "tickets_per_s": round(len(ok) / issue_s, 1),
            "p50_ms": round(percentile(ok, 50), 1), "p99_ms": round(percentile(ok, 99), 1),
            "call_p50_ms": round(percentile(call_ms, 50), 1),
            "call_p99_ms": round(percentile(call_ms, 99), 1),
            "calls": len(call_ms), "seconds": round(total_s, 1),
            "duplicates": audit["duplicates"], "double_calls": audit["double_calls"],
            "stored_tickets": audit["tickets"], "called_events": audit["called"]}


def render(r: dict) -> None:
    print(f"Issue and call on {r['database']}: {r['kiosks']} kiosks, {r['counters']} counters")
    print(f"  tickets issued   {r['tickets']} ({r['errors']} errors), stored {r['stored_tickets']}")
    print(f"  tickets/s        {r['tickets_per_s']}")
    print(f"  issue latency    p50 {r['p50_ms']} ms   p99 {r['p99_ms']} ms")
    print(f"  call latency     p50 {r['call_p50_ms']} ms   p99 {r['call_p99_ms']} ms "
          f"({r['calls']} calls)")
    print(f"  duplicates       {r['duplicates']}")
    print(f"  double calls     {r['double_calls']}")
