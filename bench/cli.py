"""``flask bench NAME``: the benchmarks of SPEC §7, each printing measured figures."""

import json as jsonlib

import click
from flask import current_app


def _emit(result: dict, as_json: bool, render) -> None:
    if as_json:
        click.echo(jsonlib.dumps(result, ensure_ascii=False))
    else:
        render(result)


@click.group("bench")
def bench() -> None:
    """Benchmarks (SPEC §7): issue, fanout, status, estimate."""


@bench.command("issue")
@click.option("--seed", default=1, show_default=True)
@click.option("--kiosks", default=16, show_default=True, help="concurrent issuing clients")
@click.option("--counters", default=8, show_default=True, help="concurrent calling counters")
@click.option("--tickets", default=800, show_default=True, help="tickets to issue in all")
@click.option("--database-url", default=None, help="run on this database (default: temp SQLite)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object on stdout")
def issue(seed: int, kiosks: int, counters: int, tickets: int, database_url: str | None,
          as_json: bool) -> None:
    """Issue and call over HTTP: tickets/s, p50/p99 latency, duplicates, double calls."""
    from bench import issue as mod

    result = mod.run(seed=seed, kiosks=kiosks, counters=counters, tickets=tickets,
                     database_url=database_url, app_config=current_app.config)
    _emit(result, as_json, mod.render)


@bench.command("fanout")
@click.option("--seed", default=1, show_default=True)
@click.option("--clients", default=2000, show_default=True, help="connected Socket.IO clients")
@click.option("--rounds", default=5, show_default=True, help="calls measured per mode")
@click.option("--mode", "modes", multiple=True, type=click.Choice(["embedded", "redis"]),
              help="default: both")
@click.option("--json", "as_json", is_flag=True, help="one JSON object on stdout")
def fanout(seed: int, clients: int, rounds: int, modes: tuple[str, ...], as_json: bool) -> None:
    """Call-to-screen latency for K clients: embedded mode and two processes with Redis."""
    from bench import fanout as mod

    result = mod.run(seed=seed, clients=clients, rounds=rounds,
                     modes=modes or ("embedded", "redis"))
    _emit(result, as_json, mod.render)


@bench.command("status")
@click.option("--seed", default=1, show_default=True)
@click.option("--clients", default=32, show_default=True, help="concurrent pollers")
@click.option("--seconds", default=10.0, show_default=True)
@click.option("--mode", "modes", multiple=True, type=click.Choice(["embedded", "redis"]),
              help="default: embedded and redis")
@click.option("--json", "as_json", is_flag=True, help="one JSON object on stdout")
def status(seed: int, clients: int, seconds: float, modes: tuple[str, ...],
           as_json: bool) -> None:
    """Requests/s of the office status endpoint under concurrent polling."""
    from bench import status as mod

    result = mod.run(seed=seed, clients=clients, seconds=seconds,
                     modes=modes or ("embedded", "redis"))
    _emit(result, as_json, mod.render)


@bench.command("estimate")
@click.option("--seed", default=1, show_default=True)
@click.option("--days", default=5, show_default=True,
              help="simulated days of each kind (normal, busy season)")
@click.option("--load", default=1.0, show_default=True,
              help="arrival volume multiplier (1.3: days heavier than the ones tuned for)")
@click.option("--workers", default=None, type=int, help="processes (default: one per core)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object on stdout")
def estimate(seed: int, days: int, load: float, workers: int | None, as_json: bool) -> None:
    """Estimate accuracy: naive, static, product and oracle on simulated days."""
    from bench import estimate as mod

    result = mod.run(seed=seed, days=days, load=load, workers=workers)
    _emit(result, as_json, mod.render)
