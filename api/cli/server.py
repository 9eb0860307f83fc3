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


EXIT_NOT_RUNNING = 3
EXIT_OFFLINE = 4


@db.command("status")
@friendly_errors
def db_status() -> None:
    """Say whether the managed Neo4j runs and its database answers, where, and with which pid.

    \b
    Exit status:
      0  running: the process runs, Bolt answers and the database answers a query
      3  not running
      4  running but the database is not online (still opening, or it failed to
         start: see the reason and $GRIDCARE_HOME/neo4j/logs/neo4j.log)
    """
    from api.store import local_server

    settings = get_settings()
    server = local_server(settings, say=err)
    status = server.status()
    where = f"pid {status.pid}, {status.uri}, home {status.home / 'neo4j'}"
    if not status.running:
        click.echo(f"not running (home {status.home / 'neo4j'})")
        sys.exit(EXIT_NOT_RUNNING)
    problem = server.database_problem(settings.neo4j_database)
    if problem:
        click.echo(f"running but the database is not online: {where}; {problem}")
        sys.exit(EXIT_OFFLINE)
    click.echo(f"running: {where}")


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
