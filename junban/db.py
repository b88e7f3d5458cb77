"""Engine and sessions: one session per app context, closed at teardown.

SQLite runs in WAL mode with a busy timeout, and write use cases begin their transaction with
``BEGIN IMMEDIATE`` so that two writers queue for the lock instead of failing half-way
(SPEC §2.2). Within one process the writers also queue on a lock of their own, first come
first served: SQLite's busy handler lets a waiting writer sleep up to 100 ms between tries, so
under many writers the database lock would lie idle while they sleep and some would wait for
seconds. PostgreSQL relies on row locks and conditional updates.
"""

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import current_app, g
from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    pass


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every database; always returns an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and explicit BEGIN handling."""
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    _write_locks[engine] = threading.Lock()

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def init_app(app) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["junban.engine"] = engine
    app.extensions["junban.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def get_session() -> Session:
    """The session of the current app context (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["junban.sessionmaker"]()
    return g.db_session


_write_locks: "weakref.WeakKeyDictionary[Engine, threading.Lock]" = weakref.WeakKeyDictionary()
_WRITE_WAIT_S = 30.0  # as SQLite's busy timeout; after it, SQLite's own waiting decides


def begin_write(session: Session) -> None:
    """Start ``session``'s transaction as a writer (SQLite: BEGIN IMMEDIATE); call first.
    On SQLite the process's writers take turns first (see the module's docstring); the turn
    ends with the transaction, committed, rolled back or closed."""
    if session.in_transaction():
        session.rollback()
    lock = _write_locks.get(session.get_bind())
    if lock is not None and lock.acquire(timeout=_WRITE_WAIT_S):
        session.info["junban.write_lock"] = lock
    try:
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    except BaseException:
        _end_turn(session)
        raise


def _end_turn(session: Session) -> None:
    lock = session.info.pop("junban.write_lock", None)
    if lock is not None:
        lock.release()


@event.listens_for(Session, "after_transaction_end")
def _writer_done(session: Session, transaction) -> None:
    if transaction.parent is None:
        _end_turn(session)


@contextmanager
def new_session(app) -> Iterator[Session]:
    """A session outside the request cycle (CLI, background tasks, tests)."""
    session = app.extensions["junban.sessionmaker"]()
    try:
        yield session
    finally:
        session.close()


def utcnow() -> datetime:
    return datetime.now(UTC)
