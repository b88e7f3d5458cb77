"""On SQLite the writers of one process take turns (junban.db.begin_write): a turn ends with
its transaction however it ends, so no writer is left waiting on a turn nobody holds."""

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from junban import migrate
from junban.db import begin_write, make_engine


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'writers.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _second_writer_waits_until(engine, end_first) -> float:
    """Seconds the second writer waited for its turn while the first held it for 0.3 s."""
    first = Session(engine)
    begin_write(first)
    first.execute(text("UPDATE office SET code = code"))
    waited = []

    def second():
        with Session(engine) as s:
            t0 = time.monotonic()
            begin_write(s)
            waited.append(time.monotonic() - t0)
            s.commit()

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.3)
    end_first(first)
    t.join(10)
    first.close()
    assert waited, "the second writer never got its turn"
    return waited[0]


@pytest.mark.parametrize("how", ["commit", "rollback", "close"])
def test_a_writer_waits_for_the_one_before_it_and_gets_its_turn_when_that_ends(engine, how):
    waited = _second_writer_waits_until(engine, lambda s: getattr(s, how)())
    assert 0.25 <= waited < 5


def test_a_writer_whose_work_fails_gives_up_its_turn(engine):
    def fail(s):
        with pytest.raises(Exception, match="no such table"):
            s.execute(text("SELECT * FROM no_such_table"))
        s.rollback()

    assert _second_writer_waits_until(engine, fail) < 5


def test_a_writer_that_begins_twice_does_not_wait_for_itself(engine):
    with Session(engine) as s:
        begin_write(s)
        begin_write(s)  # rolls the first back: its turn ends before the second begins
        s.commit()


def test_many_writers_all_get_their_turn_and_every_write_lands(engine):
    with Session(engine) as s:
        s.execute(text("CREATE TABLE tally (n INTEGER)"))
        s.execute(text("INSERT INTO tally VALUES (0)"))
        s.commit()

    def writer():
        for _ in range(25):
            with Session(engine) as s:
                begin_write(s)
                n = s.execute(text("SELECT n FROM tally")).scalar_one()
                s.execute(text("UPDATE tally SET n = :n"), {"n": n + 1})
                s.commit()

    threads = [threading.Thread(target=writer) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with Session(engine) as s:
        assert s.execute(text("SELECT n FROM tally")).scalar_one() == 12 * 25
