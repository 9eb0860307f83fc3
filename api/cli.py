"""The ``gridcare`` command: the managed database, the server, and the data commands.

Exit status: 0 success, 1 a failure the message explains (bad ledger, store
unreachable, unknown community), 2 a usage error.
"""

from __future__ import annotations

import functools
import logging
import sys

import click

from api.settings import get_settings
from graph.errors import GraphError
from loaders.errors import LoaderError


def err(message: str) -> None:
    click.echo(message, err=True)


def resolve_community(driver, database: str, community: str | None) -> str:
    """The community named, or the only one in the database; a usage error otherwise."""
    if community:
        return community
    from graph.stats import list_communities

    communities = list_communities(driver, database)
    if len(communities) == 1:
        return communities[0]["name"]
    names = ", ".join(c["name"] for c in communities) or "none yet"
    raise click.UsageError(f"pass --community (communities in the database: {names})")


def friendly_errors(fn):
    """Turn the project's expected errors into a message and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (GraphError, LoaderError) as e:
            err(f"gridcare: {e}")
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="gridcare")
def main() -> None:
    """gridcare: the care and self-government network of a residential community.

    Keeps grids, buildings, units, households, residents, the "three leaders",
    care (包保) relationships, volunteer teams and the Party network in Neo4j,
    and serves them over GraphQL.

    By default gridcare runs its own Neo4j under $GRIDCARE_HOME (./var); set
    NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD to use another server instead.
    """


@main.group()
def db() -> None:
    """Control the project-managed Neo4j (not used when NEO4J_URI is set)."""


@db.command("start")
@friendly_errors
def db_start() -> None:
    """Download Neo4j once if needed, start it, and wait until Bolt answers."""
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


@main.command()
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


def _register() -> None:
    from api import cli_data  # noqa: F401  (adds import, demo-ledger, stats)
    from api import cli_analysis  # noqa: F401  (adds audit, spof, suggest, suggest-leaders)
    from api import cli_tokens  # noqa: F401  (adds token issue, list, revoke)
    from api import cli_qr  # noqa: F401  (adds qr-cards)
    from api import cli_logs  # noqa: F401  (adds access-log show, prune; qr-scans prune)


_register()
