"""Server commands: ``db start | stop | status | backup | restore`` for the managed Neo4j, and ``serve``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from api.cli.common import err, friendly_errors
from api.settings import get_settings


@click.group()
def db() -> None:
    """Control the project-managed Neo4j (not used when NEO4J_URI is set)."""


@db.command("start")
@friendly_errors
def db_start() -> None:
    """Download Neo4j once if needed, start it, and wait until its database answers.

    If Bolt does not open within two minutes, or Neo4j exits while starting,
    the JVM it started is killed and forgotten (exit 1): nothing is left
    running, and `db status` and the next `db start` see the truth. If Neo4j
    runs but its database does not come online (a damaged store), the server
    is left running for inspection and the command exits 1 with the reason.
    """
    from api.store import local_server

    settings = get_settings()
    server = local_server(settings, say=err)
    status = server.start()
    problem = server.wait_online(settings.neo4j_database)
    if problem:
        err(
            f"gridcare: Neo4j runs (pid {status.pid}) but its database is not online: {problem}. It is left "
            f"running: see {status.home / 'neo4j' / 'logs' / 'neo4j.log'}; `gridcare db restore` replaces a "
            "damaged database."
        )
        sys.exit(1)
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


@db.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (e.g. gridcare-2026-11-30.tar.gz).",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@friendly_errors
def db_backup(out: Path, force: bool) -> None:
    """Write one archive of the managed database and the keys under $GRIDCARE_HOME/secrets.

    The archive (a .tar.gz, mode 0600) holds a `neo4j-admin database dump`,
    the secrets/ folder (the keys under which API tokens, QR codes and national
    ids are hashed: without them a restored database's tokens are invalid) and
    a manifest (versions, date, schema version; no personal data). It holds
    personal data and keys: keep it as safe as the database.

    Downtime: Neo4j Community dumps only a stopped database, so a running
    managed Neo4j is stopped, dumped and started again: the service is down
    for about half a minute on the demo community (~16,000 nodes: 28-30 s
    measured, of which the dump 6-9 s, stopping and starting Neo4j the rest),
    longer for bigger databases; the command says how long it was. A running
    `gridcare serve` fails its requests meanwhile (503) and recovers by itself
    once Neo4j is back.

    Not for your own Neo4j (NEO4J_URI): see README, Backup and restore.
    Progress is written to stderr, the archive's path to stdout.
    """
    from api.backup import backup

    done = backup(get_settings(), out, force=force, say=err)
    click.echo(str(done.archive))


@db.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@friendly_errors
def db_restore(archive: Path) -> None:
    """Replace the managed database and $GRIDCARE_HOME/secrets by those of ARCHIVE.

    ARCHIVE is a file written by `gridcare db backup`; anything else is refused
    before anything is touched. The database is loaded with overwrite, the
    secrets/ folder is made exactly the archive's (same files, same modes).
    Everything written since the backup is lost.

    Downtime: a running managed Neo4j is stopped, loaded and started again:
    the service is down for about half a minute on the demo community (26-36 s
    measured, of which the load 5-6 s); the command says how long it was.

    Restart `gridcare serve` afterwards (stop it before, ideally): it does not
    recover by itself, as its driver waits for transactions the restored
    database never had, and it keeps the keys it read when it started. Not for your own Neo4j
    (NEO4J_URI): see README, Backup and restore.
    """
    from api.backup import restore

    restore(get_settings(), archive, say=err)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--demo", is_flag=True, help="Import the generated Changshan Garden first if the database is empty.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    metavar="N",
    help="Worker processes serving side by side (uvicorn's workers), each with its own Neo4j driver.",
)
@friendly_errors
def serve(host: str, port: int, demo: bool, workers: int) -> None:
    """Serve /graphql, /livez and /readyz with uvicorn.

    \b
    With --workers N, N processes share the port: the API keeps no state
    between requests (it is all in Neo4j), so any worker answers any request.
    What stays per worker: subscriptions are fed by each worker's own poller
    of Neo4j (a scan served by another worker arrives at the next poll,
    GRIDCARE_QR_NOTIFY_POLL seconds, instead of at once), the QR finder
    page's per-address and per-code limits are counted per worker (up to N
    times the limit in all), and /metrics answers with the counts of the
    worker that served it.
    """
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # X-Forwarded-For is believed only from the proxies named (else a client could name any address it likes and
    # escape the per-address limits); open subscriptions (multipart streams) must not hold a shutdown up for ever
    trusted = settings.trusted_proxies
    options: dict[str, Any] = dict(
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        timeout_graceful_shutdown=5,
        proxy_headers=trusted is not None,
        forwarded_allow_ips=trusted,
    )
    if workers == 1:
        uvicorn.run(create_app(settings, demo=demo), **options)
        return
    if demo:
        raise click.UsageError("--demo loads the demo and its token in one process: serve it without --workers")
    _prepare_workers(settings)
    # a worker builds its app (the schema) before it answers uvicorn's health check: on a loaded machine that
    # takes longer than the default 5 s, and uvicorn would kill and restart it over and over
    uvicorn.run("api.app:app_from_environment", factory=True, workers=workers, timeout_worker_healthcheck=60, **options)


def _prepare_workers(settings) -> None:
    """What the workers must not race for: the settings checked, the development token key written, the managed
    Neo4j started and its schema migrated — once, here, before they start."""
    from api.app import create_app
    from api.cli.common import store

    create_app(settings)  # refuses bad settings; writes the development token key once
    with store():
        pass
