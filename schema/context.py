"""The per-request GraphQL context: the store, and who is asking."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, TypeVar

import neo4j
import strawberry
from strawberry.fastapi import BaseContext

from schema.loaders import Loaders
from schema.scope import Visibility

T = TypeVar("T")

AsOf = Annotated[date | None, strawberry.argument(description="The day to evaluate on; default today.")]


@dataclass(frozen=True)
class Principal:
    """The caller, built on the server from its bearer token (`api.tokens`), never from arguments.

    With ``GRIDCARE_AUTH=off`` (development only) every request is the
    development principal, an admin. ``scope_kind``/``scope_value`` say which
    place a leader answers for (``unit``/``5-2``); ``resident_id`` is the
    caller's own stable resident id, when the token names one.
    """

    name: str = "anonymous-development"
    role: str = "admin"
    community: str | None = None
    token_id: str | None = None
    scope_kind: str | None = None
    scope_value: str | None = None
    resident_id: str | None = None

    def reads(self, community: str | None) -> bool:
        """Whether this caller may see the community at all (admin: every one; anyone else: their own).

        Staff see all of it; leaders and volunteers only their reach (`schema.scope`).
        """
        return self.role == "admin" or (community is not None and community == self.community)

    def reads_whole(self, community: str | None) -> bool:
        """Whether this caller sees all of the community (admin; staff of it): audits, logs, scans."""
        return self.role == "admin" or (self.role == "staff" and self.reads(community))


@dataclass
class Context(BaseContext):
    driver: neo4j.Driver = None  # type: ignore[assignment]
    database: str = "neo4j"
    principal: Principal = field(default_factory=Principal)
    request_id: str = ""
    secret_key: bytes = b""  # the service's HMAC key (API tokens, QR codes); never sent to anyone

    def __post_init__(self) -> None:
        super().__init__()
        self.visibility = Visibility(self.principal, self.run)
        self.loaders = Loaders(self.run, self.visibility)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking repository function (driver first) off the event loop."""
        return await asyncio.to_thread(fn, self.driver, self.database, *args, **kwargs)
