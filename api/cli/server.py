"""Server commands: ``db start | stop | status`` for the managed Neo4j, and ``serve``."""

from __future__ import annotations

import logging
import sys

import click

from api.cli.common import err, friendly_errors
from api.settings import get_settings


@click.group()
def db() -> None:
    """Control the project-managed Neo4j (not used when NEO4J_URI is set)."""


@db.command("start")
@friendly_errors
def db_start() -> None:
    """Download Neo4j once if needed, start it, and wait until Bolt answers.

    If Bolt does not open within two minutes, or Neo4j exits while starting,
    the JVM it started is killed and forgotten (exit 1): nothing is left
    running, and `db status` and the next `db start` see the truth.
    """
    from api.store import local_server

    status = local_server(get_settings(), say=err).start()
    click.echo(f"Neo4j is running (pid {status.pid}) at {status.uri}; data in {status.home / 'neo4j'}")


@db.command("stop")
@friendly_errors
def db_stop() -> None:
    """Shut the managed Neo4j down cleanly."""
    from api.store import local_server

    stopped = local_server(get_settings(), say=err).stop()
    click.echo("Neo4j stopped." if stopped else "Neo4j was not running.")


@db.command("status")
@friendly_errors
def db_status() -> None:
    """Say whether the managed Neo4j runs, where, and with which pid (exit 3 if not)."""
    from api.store import local_server

    status = local_server(get_settings(), say=err).status()
    if status.running:
        click.echo(f"running: pid {status.pid}, {status.uri}, home {status.home / 'neo4j'}")
    else:
        click.echo(f"not running (home {status.home / 'neo4j'})")
        sys.exit(3)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--demo", is_flag=True, help="Import the generated Changshan Garden first if the database is empty.")
@friendly_errors
def serve(host: str, port: int, demo: bool) -> None:
    """Serve /graphql, /livez and /readyz with uvicorn."""
    import uvicorn

    from api.app import create_app

    app = create_app(get_settings(), demo=demo)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # open subscriptions (multipart streams) must not hold a shutdown up for ever
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, timeout_graceful_shutdown=5)
