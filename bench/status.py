"""Status reads (SPEC §7): requests/s of the office status endpoint under concurrent polling,
as phones and office pages poll it when their live connection is down."""

import threading
import time

import requests

from bench.server import OFFICE, Servers, percentile


def _measure(urls: list[str], clients: int, seconds: float) -> tuple[list[float], int, float]:
    """Poll from ``clients`` threads for ``seconds``: latencies (ms), errors, elapsed seconds."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def poll(i: int) -> None:
        url = f"{urls[i % len(urls)]}/api/v1/offices/{OFFICE}/status"
        own, bad = [], 0
        with requests.Session() as s:
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = s.get(url, timeout=30)
                if r.status_code == 200:
                    own.append((time.perf_counter() - t) * 1000)
                else:
                    bad += 1
        with lock:
            latencies.extend(own)
            errors[0] += bad

    threads = [threading.Thread(target=poll, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - t0


def run(seed: int = 1, clients: int = 32, seconds: float = 10.0, tickets: int = 100,
        modes: tuple[str, ...] = ("embedded",)) -> dict:
    """``clients`` threads poll /api/v1/offices/<office>/status for ``seconds``; count answers."""
    results = []
    for mode in modes:
        with Servers(mode, processes=2 if mode == "redis" else 1) as servers:
            for i in range(tickets):  # a realistic queue behind the status
                requests.post(f"{servers.urls[0]}/api/v1/offices/{OFFICE}/tickets",
                              json={"service": "idou" if i % 3 else "shomei"}, timeout=10)
            latencies, errors, elapsed = _measure(servers.urls, clients, seconds)
            results.append({"mode": mode, "clients": clients, "waiting": tickets,
                            "requests": len(latencies), "errors": errors,
                            "requests_per_s": round(len(latencies) / elapsed, 1),
                            "p50_ms": round(percentile(latencies, 50), 1),
                            "p99_ms": round(percentile(latencies, 99), 1)})
    return {"seed": seed, "requests_per_s": results[0]["requests_per_s"], "modes": results}


def render(result: dict) -> None:
    print("Status reads: concurrent polling of GET /api/v1/offices/<office>/status")
    print(f"{'mode':10s} {'clients':>7s} {'waiting':>7s} {'req/s':>8s} {'p50 ms':>8s} "
          f"{'p99 ms':>8s} {'errors':>6s}")
    for m in result["modes"]:
        print(f"{m['mode']:10s} {m['clients']:7d} {m['waiting']:7d} {m['requests_per_s']:8.1f} "
              f"{m['p50_ms']:8.1f} {m['p99_ms']:8.1f} {m['errors']:6d}")
