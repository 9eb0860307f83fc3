"""Shared fixtures: one real Neo4j for the whole test session.

By default the session starts the project-managed Neo4j in a temporary
``GRIDCARE_HOME`` (the jars come from the shared cache, downloaded once). With
``NEO4J_URI`` set, the tests use that server instead. There is no skipping: if
no Neo4j can be had, every test that needs one errors, and the run fails.

Tests own their data: each works in a community of its own (`community`
fixture) and deletes only that community afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from api.tokens import TokenRequest, issue, token_key
from graph.store import Connection, Store, connect
from graph.store.managed import LocalNeo4j, LocalOptions
from graph.store.migrations import migrate

# The day the demo ledger of the tests describes: its ages do not move with the calendar. Tests that read
# ages of the demo pin the clock to it (`demo_day`) or ask the CLI `--as-of` it.
DEMO_DAY = date(2026, 6, 15)

# A shared, loaded CI machine must not turn a slow query into a failure: the tests of the deadline set their own.
os.environ.setdefault("GRIDCARE_QUERY_DEADLINE", "120")

DELETE_COMMUNITY = "MATCH (n {community: $community}) DETACH DELETE n"


@pytest.fixture(scope="session")
def gridcare_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("gridcare-home")


@pytest.fixture(scope="session")
def neo4j_connection(gridcare_home) -> Connection:
    if os.environ.get("NEO4J_URI"):
        yield Connection(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            os.environ.get("NEO4J_DATABASE", "neo4j"),
        )
        return
    settings = Settings(home=gridcare_home)
    server = LocalNeo4j(
        LocalOptions(home=gridcare_home, cache=settings.cache.expanduser(), heap="2g", pagecache="256m"),
        say=lambda m: print(m, file=sys.stderr),
    )
    status = server.start()
    yield Connection(status.uri, "neo4j", server.password())
    server.stop()


@pytest.fixture(scope="session")
def store(neo4j_connection) -> Store:
    """The session's store, migrated: what every repository function takes."""
    opened = connect(neo4j_connection, wait=60)
    migrate(opened)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def driver(store):
    """The store's driver, for tests that run Cypher of their own."""
    return store.driver


@pytest.fixture(scope="session")
def database(store) -> str:
    return store.database


@pytest.fixture
def community(driver, database) -> str:
    """A fresh community name, deleted with everything in it after the test."""
    name = f"测试社区-{uuid.uuid4().hex[:8]}"
    yield name
    driver.execute_query(DELETE_COMMUNITY, community=name, database_=database)


@pytest.fixture(scope="session")
def cli_env(gridcare_home, neo4j_connection) -> dict[str, str]:
    """Environment under which `gridcare` subprocesses use the session's Neo4j."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRIDCARE_"))}
    env["GRIDCARE_HOME"] = str(gridcare_home)
    if os.environ.get("NEO4J_URI"):
        env.update(
            NEO4J_URI=neo4j_connection.uri,
            NEO4J_USER=neo4j_connection.user,
            NEO4J_PASSWORD=neo4j_connection.password,
            NEO4J_DATABASE=neo4j_connection.database,
        )
    return env


@pytest.fixture(scope="session")
def gridcare(cli_env):
    """Run the real `gridcare` command line; returns the CompletedProcess."""

    def run(*args: str, check: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "api", *map(str, args)],
            capture_output=True,
            text=True,
            env={**cli_env, **(env or {})},
            timeout=600,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"gridcare {' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
        return done

    return run


@pytest.fixture
def demo_day(monkeypatch) -> date:
    """The service's clock (in this process) pinned to noon of `DEMO_DAY` in the community's zone."""
    from analysis import domain

    monkeypatch.setattr(domain, "clock", lambda: datetime.combine(DEMO_DAY, time(12), tzinfo=domain.zone()))
    return DEMO_DAY


@pytest.fixture(scope="session")
def demo_ledger(tmp_path_factory, gridcare) -> Path:
    """The generated Changshan Garden ledger (CSV folder), written by the CLI."""
    out = tmp_path_factory.mktemp("demo") / "changshan"
    gridcare("demo-ledger", "--out", out, "--seed", "7", "--as-of", DEMO_DAY.isoformat(), check=True)
    return out


@pytest.fixture(scope="session")
def demo_community(gridcare, demo_ledger, driver, database) -> str:
    """The demo imported once under a community name of its own; read-only for tests."""
    name = f"长山花园-{uuid.uuid4().hex[:6]}"
    gridcare("import", demo_ledger, "--community", name, check=True)
    yield name
    driver.execute_query(DELETE_COMMUNITY, community=name, database_=database)


@pytest.fixture(scope="session")
def authorized_client(store, driver, database):
    """Open a TestClient on an app that sends a fresh token (admin unless told), deleted afterwards.

    ``with authorized_client(app) as client:`` — the token is issued under the
    app's own token key; ``role``, ``community``… make another kind of token.
    The client connects from loopback, as a local front-end would, unless ``address`` says otherwise.
    """

    @contextmanager
    def open_client(app, role: str = "admin", address: str = "127.0.0.1", **request):
        expires = datetime.now(UTC) + timedelta(hours=2)
        token, record = issue(
            store,
            token_key(app.state.settings),
            TokenRequest(role=role, expires_at=expires, **{"label": "tests", **request}),
        )
        try:
            with TestClient(app, headers={"Authorization": f"Bearer {token}"}, client=(address, 50000)) as client:
                yield client
        finally:
            driver.execute_query("MATCH (t:ApiToken {id: $id}) DETACH DELETE t", id=record.id, database_=database)

    return open_client


@pytest.fixture
def seeded(store, community, tmp_path):
    """A fresh community holding the small hand-written ledger of `tests/cli/test_import.py`."""
    from loaders.ledger import read_ledger
    from loaders.writer import plan_import, write_plan
    from tests.cli.test_import import ledger_sheets, write_csv_ledger

    ledger = read_ledger(write_csv_ledger(tmp_path / "seed-ledger", ledger_sheets()), community)
    write_plan(store, plan_import(ledger, hash_national_id=lambda s: "h"))
    return community
