"""Test fixtures: an app on a temp-file SQLite and, where reachable, on PostgreSQL.

In CI (``CI=true``) PostgreSQL and Redis must be reachable: their absence fails the run.
"""

import os
import uuid
import warnings

import pytest
from sqlalchemy import create_engine, text

from junban import migrate
from tests.helpers import FakeClock

CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _pg_reachable() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 — any failure means "not reachable"
        return False


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


def require_redis() -> None:
    """Skip without Redis locally; fail in CI, where Redis must be there."""
    if redis_reachable():
        return
    if CI:
        pytest.fail("Redis is required in CI (CI=true) but is not reachable")
    pytest.skip("Redis not reachable")


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run, migrated; dropped at the end."""
    if not _pg_reachable():
        if CI:
            pytest.fail("PostgreSQL is required in CI (CI=true) but is not reachable")
        pytest.skip("PostgreSQL not reachable")
    name = f"junban_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_pg(url: str) -> None:
    from junban.db import Base

    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each integration test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'junban.db'}"
        migrate.upgrade(url)
        return url
    url = request.getfixturevalue("pg_url")
    _truncate_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'junban.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def clock():
    return FakeClock()


def build_app(url: str, clock, tmp_path, **extra):
    from wsgi import create_app

    config = {"DATABASE_URL": url, "TESTING": True, "CLOCK": clock, "SECRET_KEY": "test",
              "JUNBAN_INSTANCE": str(tmp_path), "SERVER_NAME": "junban.test",
              "RATELIMIT_ENABLED": False, **extra}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = create_app(config)
    return app


@pytest.fixture
def app(database_url, clock, tmp_path):
    app = build_app(database_url, clock, tmp_path)
    yield app
    from junban import realtime

    with app.app_context():
        realtime.flush()  # let queue publications finish before the database goes
    app.extensions["junban.engine"].dispose()


@pytest.fixture
def session(app):
    with app.app_context():
        from junban.db import get_session

        yield get_session()


@pytest.fixture
def client(app):
    return app.test_client()
