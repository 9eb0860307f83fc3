"""Reaching the store: the managed Neo4j, or the server NEO4J_URI names."""

from __future__ import annotations

from collections.abc import Callable

from api.settings import Settings
from graph.store import Connection, Store, connect
from graph.store.managed import LocalNeo4j, LocalOptions
from graph.store.migrations import migrate


def local_server(settings: Settings, say: Callable[[str], None] = print) -> LocalNeo4j:
    options = LocalOptions(
        home=settings.home.resolve(),
        cache=settings.cache.expanduser(),
        port=settings.neo4j_port,
        heap=settings.neo4j_heap,
        pagecache=settings.neo4j_pagecache,
        java_home=settings.java_home,
    )
    return LocalNeo4j(options, say=say)


def connection(settings: Settings, say: Callable[[str], None] = print) -> Connection:
    """Where to connect: NEO4J_URI if set, else the managed server (started if needed)."""
    if settings.neo4j_uri:
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        return Connection(settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database)
    server = local_server(settings, say)
    status = server.start()
    return Connection(status.uri or "", "neo4j", server.password(), settings.neo4j_database)


def open_store(settings: Settings, say: Callable[[str], None] = print) -> Store:
    """Open the process's store and bring the schema up to date."""
    conn = connection(settings, say)
    # a managed server may still be opening its databases; someone else's should answer at once
    store = connect(conn, wait=5.0 if settings.neo4j_uri else 60.0)
    try:
        migrate(store)
    except Exception:
        store.close()
        raise
    return store
