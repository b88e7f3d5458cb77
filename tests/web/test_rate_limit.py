"""Rate limits protect the ticket range and the staff passwords."""

from tests.conftest import build_app
from tests.helpers import make_office


def test_a_client_issuing_too_fast_gets_429_and_loses_no_ticket(sqlite_url, clock, tmp_path):
    app = build_app(sqlite_url, clock, tmp_path, RATELIMIT_ENABLED=True,
                    RATELIMIT_ISSUE="3/minute")
    with app.app_context():
        from junban.db import get_session

        make_office(get_session())
    client = app.test_client()
    codes = [client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"}).status_code
             for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    r = client.post("/api/v1/offices/chuo/tickets", json={"service": "idou"})
    assert r.json["error"] == "too_many_requests"
    status = client.get("/api/v1/offices/chuo/status").json
    assert {s["code"]: s["waiting"] for s in status["services"]}["idou"] == 3


def test_guessing_passwords_is_throttled(sqlite_url, clock, tmp_path):
    app = build_app(sqlite_url, clock, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="2/minute")
    client = app.test_client()
    codes = [client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}).status_code
             for _ in range(3)]
    assert codes == [401, 401, 429]
