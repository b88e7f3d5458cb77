"""The domain of SPEC §2 as SQLAlchemy 2 typed models.

The queue tables (tickets, steps, events) hold no personal data: a ticket is a number, a service
and an unguessable token.
"""

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from junban.db import Base, UTCDateTime


def _name(names: dict, lang: str, fallback: str) -> str:
    if not names:
        return fallback
    return names.get(lang) or names.get("ja") or fallback


class Office(Base):
    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    kind: Mapped[str] = mapped_column(String(16), default="ward")  # ward | branch
    opens: Mapped[time] = mapped_column(Time, default=time(8, 30))
    closes: Mapped[time] = mapped_column(Time, default=time(17, 15))
    issue_until: Mapped[time] = mapped_column(Time, default=time(17, 0))
    priority_lead_minutes: Mapped[float] = mapped_column(Float, default=60.0)

    services: Mapped[list["Service"]] = relationship(
        back_populates="office", order_by="Service.position"
    )
    counters: Mapped[list["Counter"]] = relationship(
        back_populates="office", order_by="Counter.position"
    )

    def name(self, lang: str = "ja") -> str:
        return _name(self.names, lang, self.code)


class Holiday(Base):
    """A day an office (or every office, when office_id is None) is closed."""

    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("office_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(100), default="")


class BusySeason(Base):
    """A yearly season by month/day (繁忙期), e.g. 03-15 to 04-15."""

    __tablename__ = "busy_season"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    start_md: Mapped[str] = mapped_column(String(5))  # "03-15"
    end_md: Mapped[str] = mapped_column(String(5))


class Service(Base):
    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    code: Mapped[str] = mapped_column(String(32))
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    prefix: Mapped[str] = mapped_column(String(3), default="")
    range_start: Mapped[int] = mapped_column(Integer, default=1)
    range_end: Mapped[int] = mapped_column(Integer, default=999)
    target_minutes: Mapped[float] = mapped_column(Float, default=30.0)
    default_service_minutes: Mapped[float] = mapped_column(Float, default=8.0)
    issuing_open: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    office: Mapped[Office] = relationship(back_populates="services")

    def name(self, lang: str = "ja") -> str:
        return _name(self.names, lang, self.code)


class CounterService(Base):
    __tablename__ = "counter_service"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    service: Mapped[Service] = relationship()


class Counter(Base):
    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("office_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    name: Mapped[str] = mapped_column(String(32))  # as announced: "3"
    label: Mapped[str] = mapped_column(String(100), default="")
    policy: Mapped[str] = mapped_column(String(16), default="oldest")
    state: Mapped[str] = mapped_column(String(16), default="closed")  # open|paused|closed
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    office: Mapped[Office] = relationship(back_populates="counters")
    links: Mapped[list[CounterService]] = relationship(
        order_by=CounterService.position, cascade="all, delete-orphan"
    )
    staff: Mapped["Staff | None"] = relationship()

    @property
    def service_codes(self) -> list[str]:
        return [link.service.code for link in self.links]


class StaffOffice(Base):
    __tablename__ = "staff_office"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), primary_key=True)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="clerk")  # clerk|manager|admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    offices: Mapped[list[Office]] = relationship(secondary="staff_office")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class NumberSequence(Base):
    """The last number issued per office, service and business day: the atomic issue counter."""

    __tablename__ = "number_sequence"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True)
    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    """One resident's visit: one number for the whole chain of steps."""

    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("office_id", "service_id", "business_day", "number"),
        Index("ix_ticket_office_day", "office_id", "business_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))  # the numbering service
    business_day: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    display_number: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(43), unique=True)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    lang: Mapped[str] = mapped_column(String(8), default="ja")
    source: Mapped[str] = mapped_column(String(16), default="kiosk")  # kiosk|api|navigator
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    planned: Mapped[list] = mapped_column(JSON, default=list)  # service codes still to visit
    estimate_minutes: Mapped[int | None] = mapped_column(Integer)
    estimate_low: Mapped[int | None] = mapped_column(Integer)
    estimate_high: Mapped[int | None] = mapped_column(Integer)

    service: Mapped[Service] = relationship()
    steps: Mapped[list["Step"]] = relationship(back_populates="ticket", order_by="Step.seq")

    @property
    def current_step(self) -> "Step":
        return self.steps[-1]


class Step(Base):
    """One service within a visit, with its own waiting, call, start and end times."""

    __tablename__ = "step"
    __table_args__ = (
        UniqueConstraint("ticket_id", "seq"),
        Index("ix_step_queue", "office_id", "business_day", "state", "service_id"),
        Index("ix_step_counter", "counter_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    business_day: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="waiting")
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    order_at: Mapped[datetime] = mapped_column(UTCDateTime)  # place in the queue
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when this step began waiting
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    ticket: Mapped[Ticket] = relationship(back_populates="steps")
    service: Mapped[Service] = relationship()
    counter: Mapped[Counter | None] = relationship()

    # Optimistic concurrency: a change made from a stale copy fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}


class Event(Base):
    """The append-only event log: the source of truth for analytics; never rewritten."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_office_at", "office_id", "at"),
        Index("ix_event_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class CounterLog(Base):
    """Append-only log of counters opening, pausing and closing: the office's staffing as it
    was, from which the estimator learns each counter's usual break."""

    __tablename__ = "counter_log"
    __table_args__ = (Index("ix_counter_log_office_at", "office_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"))
    state: Mapped[str] = mapped_column(String(16))  # open | paused | closed
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
