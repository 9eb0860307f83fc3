"""What every command shares: messages, expected errors as exit status 1, the store, the community."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from api.settings import get_settings
from graph.errors import GraphError, NotFound
from graph.store import Store, is_outage
from loaders.errors import LoaderError

F = TypeVar("F", bound=Callable[..., Any])


def err(message: str) -> None:
    """A message for the person at the terminal (stderr): stdout is for what a command produces."""
    click.echo(message, err=True)


def friendly_errors(fn: F) -> F:
    """Turn the project's expected errors into a message and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (GraphError, LoaderError) as e:
            err(f"gridcare: {e}")
            sys.exit(1)
        except Exception as e:  # the store went away under the command: say so, without a trace
            if not is_outage(e):
                raise
            err(
                f"gridcare: Neo4j is unavailable ({type(e).__name__}): start it with `gridcare db start`, or check "
                "NEO4J_URI; a change it interrupted was rolled back whole"
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@contextmanager
def store() -> Iterator[Store]:
    """The store of the settings (the managed Neo4j, started if needed), closed afterwards."""
    from api.store import open_store

    opened = open_store(get_settings(), say=err)
    try:
        yield opened
    finally:
        opened.close()


def resolve_community(store: Store, community: str | None) -> str:
    """The community named, or the only one in the database; a usage error otherwise."""
    from graph.reads.stats import list_communities

    if community:
        return community
    communities = list_communities(store)
    if len(communities) == 1:
        return str(communities[0]["name"])
    names = ", ".join(c["name"] for c in communities) or "none yet"
    raise click.UsageError(f"pass --community (communities in the database: {names})")


def known_community(store: Store, community: str) -> str:
    """The community, which must exist (`NotFound` otherwise)."""
    from graph.reads.stats import list_communities

    if community not in {c["name"] for c in list_communities(store)}:
        raise NotFound(f"no community named {community!r}")
    return community


def when(moment: datetime | None) -> str | None:
    """A moment as UTC ISO text (``2026-11-30T08:00:00Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


COMMUNITY = click.option("--community", help="Community name (may be left out when the database holds one).")
