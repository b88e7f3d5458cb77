"""Fan-out (SPEC §7): K Socket.IO clients on one office; a clerk calls; how fast does every
screen hear it? Latency runs from the call's HTTP response to each client's ``ticket_called``.

Modes: ``embedded`` (one threading process, no Redis) and ``redis`` (two gunicorn processes with
gevent workers and Redis; clients spread over both, the clerk on the first).
"""

import asyncio
import resource
import time

import aiohttp
import socketio

from bench.server import OFFICE, PASSWORD, Servers, percentile

CONNECT_BATCH = 100


async def _client(url: str, received: dict, key: int, ready: list) -> socketio.AsyncClient:
    sio = socketio.AsyncClient(reconnection=False)

    @sio.on("ticket_called")
    async def _called(data):
        received.setdefault(data["display_number"], {})[key] = time.perf_counter()

    await sio.connect(url, transports=["websocket"], wait_timeout=30)
    snap = await sio.call("subscribe_office", {"office": OFFICE}, timeout=30)
    if snap.get("office") == OFFICE:
        ready.append(key)
    return sio


async def _run_mode(mode: str, clients: int, rounds: int) -> dict:
    processes = 2 if mode == "redis" else 1
    with Servers(mode, processes=processes) as servers:
        received: dict[str, dict[int, float]] = {}
        ready: list[int] = []
        t_connect = time.perf_counter()
        conns = []
        for start in range(0, clients, CONNECT_BATCH):
            batch = [_client(servers.urls[i % processes], received, i, ready)
                     for i in range(start, min(clients, start + CONNECT_BATCH))]
            conns += await asyncio.gather(*batch, return_exceptions=True)
        connect_s = time.perf_counter() - t_connect
        base = servers.urls[0]
        latencies, from_request, delivered, expected = [], [], 0, 0
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/api/v1/auth/token",
                                 json={"username": "clerk1", "password": PASSWORD}) as r:
                h = {"Authorization": f"Bearer {(await r.json())['token']}"}
            counter = 1
            await http.post(f"{base}/api/v1/counters/{counter}/take", headers=h)
            for _ in range(rounds):
                await http.post(f"{base}/api/v1/offices/{OFFICE}/tickets",
                                json={"service": "shomei"})
            for _ in range(rounds):
                t_request = time.perf_counter()
                async with http.post(f"{base}/api/v1/counters/{counter}/call", headers=h) as r:
                    body = await r.json()
                t_response = time.perf_counter()
                number = body["ticket"]["display_number"]
                deadline = time.monotonic() + 15
                while len(received.get(number, {})) < len(ready) and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                got = received.get(number, {})
                expected += len(ready)
                delivered += len(got)
                # An event read before the response counts as 0 ms: it was not late.
                latencies += [max(0.0, (t - t_response) * 1000) for t in got.values()]
                from_request += [(t - t_request) * 1000 for t in got.values()]
                for action in ("start", "finish"):
                    await http.post(f"{base}/api/v1/counters/{counter}/{action}", headers=h)
                await asyncio.sleep(0.5)
        for c in conns:
            if isinstance(c, socketio.AsyncClient):
                await c.disconnect()
        return {"mode": mode, "processes": processes, "clients": clients,
                "connected": len(ready), "connect_s": round(connect_s, 2), "calls": rounds,
                "p50_ms": round(percentile(latencies, 50), 1),
                "p99_ms": round(percentile(latencies, 99), 1),
                "max_ms": round(max(latencies, default=0.0), 1),
                "delivered_pct": round(100 * delivered / expected, 2) if expected else 0.0,
                "from_request_p50_ms": round(percentile(from_request, 50), 1),
                "from_request_p99_ms": round(percentile(from_request, 99), 1)}


def run(seed: int = 1, clients: int = 2000, rounds: int = 5,
        modes: tuple[str, ...] = ("embedded", "redis")) -> dict:
    """Measure fan-out latency in each mode; the seed has no effect (no randomness here)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, clients * 3 + 1024)), hard))
    results = [asyncio.run(_run_mode(m, clients, rounds)) for m in modes]
    first = results[0]
    return {"seed": seed, "clients": clients, "p50_ms": first["p50_ms"],
            "p99_ms": first["p99_ms"], "max_ms": first["max_ms"],
            "delivered_pct": first["delivered_pct"], "modes": results}


def render(result: dict) -> None:
    print(f"Fan-out: {result['clients']} Socket.IO clients on one office, one clerk calling")
    print(f"{'mode':10s} {'procs':>5s} {'connected':>9s} {'calls':>5s} {'p50 ms':>8s} "
          f"{'p99 ms':>8s} {'max ms':>8s} {'delivered':>9s}  from request p50/p99 ms")
    for m in result["modes"]:
        print(f"{m['mode']:10s} {m['processes']:5d} {m['connected']:9d} {m['calls']:5d} "
              f"{m['p50_ms']:8.1f} {m['p99_ms']:8.1f} {m['max_ms']:8.1f} "
              f"{m['delivered_pct']:8.2f}%  {m['from_request_p50_ms']:.1f} / "
              f"{m['from_request_p99_ms']:.1f}")
    print("Latency runs from the call's HTTP response (0 when the event came first).")
