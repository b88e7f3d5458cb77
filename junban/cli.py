"""The ``flask`` commands: init-db, seed, demo, users, bench (SPEC §5 CLI)."""

import os
from pathlib import Path

import click
from flask import Flask, current_app

from junban import migrate
from junban.auth import ROLES, create_staff
from junban.db import new_session
from junban.seed import apply_seed, read_seed

DEMO_SEED = Path(__file__).resolve().parent.parent / "seeds" / "demo_city.yaml"


def _print_accounts(created: list[tuple[str, str]]) -> None:
    if not created:
        return
    click.echo("Staff accounts (shown once; change them with `flask users password`):")
    for username, password in created:
        click.echo(f"  {username:10s} {password}")


@click.command("init-db")
def init_db() -> None:
    """Apply the database migrations (creates every table on a new database)."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@click.command("seed")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def seed(file: str) -> None:
    """Load offices, services, counters, staff, holidays and busy seasons from FILE."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    with new_session(current_app) as session:
        created = apply_seed(session, read_seed(file))
    click.echo(f"seeded {file}")
    _print_accounts(created)


@click.command("demo")
@click.option("--history-days", default=40, show_default=True,
              help="open days of simulated history before today, per office (0: none)")
@click.option("--seed", "history_seed", default=1, show_default=True,
              help="simulator seed of the history")
def demo(history_days: int, history_seed: int) -> None:
    """Create the demo city: twelve offices, their services and counters, staff accounts and
    months of simulated history (only the days an office has no tickets for)."""
    import time

    from core.businessday import business_day, issuing_status
    from junban.clock import now
    from junban.history import fill_history
    from junban.models import Office
    from junban.offices import office_hours

    migrate.upgrade(current_app.config["DATABASE_URL"])
    with new_session(current_app) as session:
        created = apply_seed(session, read_seed(DEMO_SEED))
        t0, written = time.perf_counter(), 0
        for office in session.query(Office).order_by(Office.id).all():
            status = issuing_status(office_hours(session, office), now())
            until = business_day(status.opens_at if not status.open and status.opens_at
                                 else now())
            written += fill_history(session, office, until, history_days, history_seed)
    if written:
        click.echo(f"demo history: {written} office days simulated in "
                   f"{time.perf_counter() - t0:.1f} s")
    click.echo("demo city ready")
    _print_accounts(created)


@click.command("demo-clock")
@click.option("--office", default="chuo", show_default=True)
def demo_clock(office: str) -> None:
    """Print a clock start for the demo when offices are closed now (else print nothing)."""
    from datetime import timedelta

    from core.businessday import issuing_status, system_clock
    from junban.offices import get_office, office_hours

    with new_session(current_app) as session:
        status = issuing_status(office_hours(session, get_office(session, office)),
                                system_clock())
    if not status.open:
        start = status.opens_at + timedelta(hours=1, minutes=30)
        click.echo(start.replace(second=0, microsecond=0, tzinfo=None).isoformat(
            timespec="minutes"))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve the app in one process (embedded default: threading, no Redis)."""
    from junban.extensions import socketio

    base = f"http://{host}:{port}"
    now = current_app.config["CLOCK"]()
    click.echo(f"Junban is running at {base}/  (clock: {now:%Y-%m-%d %H:%M} Asia/Tokyo)")
    for what, path in [("offices (start here)", "/offices"), ("kiosk", "/kiosk/chuo"),
                       ("hall display", "/display/chuo"), ("office page (phone)", "/o/chuo"),
                       ("counter console", "/counter/"), ("API", "/api/v1/openapi.json")]:
        click.echo(f"  {what:22s} {base}{path}")
    # Flask refuses app.run() inside its CLI unless told this is the intended server.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(current_app._get_current_object(), host=host, port=port,
                 allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)


users = click.Group("users", help="Staff accounts.")


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="clerk")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--office", "offices", multiple=True, help="office code (repeatable); default all")
def users_create(name: str, role: str, password: str, offices: tuple[str, ...]) -> None:
    """Create a staff account NAME with a role and offices."""
    from sqlalchemy import select

    from core.errors import DomainError
    from junban.models import Office

    with new_session(current_app) as session:
        query = select(Office)
        if offices:
            query = query.where(Office.code.in_(offices))
        try:
            create_staff(session, name, password, role, offices=list(session.scalars(query)))
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        session.commit()
    click.echo(f"created {role} {name}")


def register(app: Flask) -> None:
    for command in (init_db, seed, demo, demo_clock, serve, users):
        app.cli.add_command(command)
    from bench.cli import bench

    app.cli.add_command(bench)


@users.command("password")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_password(name: str, password: str) -> None:
    """Set a new password for staff account NAME."""
    from core.errors import DomainError
    from junban.auth import set_password

    with new_session(current_app) as session:
        try:
            set_password(session, name, password)
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        session.commit()
    click.echo(f"password of {name} changed")
