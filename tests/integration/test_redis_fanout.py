"""With Redis as message queue, a call made on one server process reaches a screen connected to
another process (SPEC §6: several processes and hosts)."""

import threading
import uuid

import pytest
import requests
import socketio

from tests.conftest import REDIS_URL, require_redis
from tests.e2e.conftest import LiveServer, seed_office
from tests.helpers import PASSWORD


@pytest.fixture
def two_servers(tmp_path):
    require_redis()
    channel = f"junban-test-{uuid.uuid4().hex[:8]}"
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        s = LiveServer(tmp_path / name, "2026-11-24T10:00")
        s.db_url = f"sqlite:///{tmp_path / 'shared.db'}"
        s.env.update({"DATABASE_URL": s.db_url, "REDIS_URL": REDIS_URL,
                      "SOCKETIO_CHANNEL": channel})
        servers.append(s)
    from junban import migrate

    migrate.upgrade(servers[0].db_url)
    servers[0].seed(seed_office)
    for s in servers:
        s.start()
    yield servers
    for s in servers:
        s.close()


def test_a_call_on_one_process_reaches_a_display_connected_to_the_other(two_servers):
    a, b = two_servers
    assert a.proc.pid != b.proc.pid
    got = threading.Event()
    calls = []
    client = socketio.Client(reconnection=False)

    @client.on("ticket_called")
    def _called(data):
        calls.append(data)
        got.set()

    client.connect(b.url, transports=["websocket"], wait_timeout=10)
    snap = client.call("subscribe_office", {"office": "chuo"}, timeout=10)
    assert snap["office"] == "chuo"

    assert requests.post(f"{a.url}/api/v1/offices/chuo/tickets", json={"service": "idou"},
                         timeout=10).status_code == 201
    token = requests.post(f"{a.url}/api/v1/auth/token",
                          json={"username": "clerk", "password": PASSWORD}, timeout=10).json()
    h = {"Authorization": f"Bearer {token['token']}"}
    counter = requests.get(f"{a.url}/api/v1/offices", timeout=10).json()[0]["counters"][0]["id"]
    requests.post(f"{a.url}/api/v1/counters/{counter}/take", headers=h, timeout=10)
    r = requests.post(f"{a.url}/api/v1/counters/{counter}/call", headers=h, timeout=10)
    assert r.status_code == 200

    assert got.wait(15), "the call never reached the other process's client"
    assert calls[0]["display_number"] == "A001"
    client.disconnect()
