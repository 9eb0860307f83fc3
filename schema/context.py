"""The per-request GraphQL context: the store, and who is asking."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from strawberry.fastapi import BaseContext

T = TypeVar("T")


@dataclass(frozen=True)
class Principal:
    """The caller. Until tokens exist every request is the development principal."""

    name: str = "anonymous-development"
    role: str = "admin"
    community: str | None = None


@dataclass
class Context(BaseContext):
    driver: neo4j.Driver = None  # type: ignore[assignment]
    database: str = "neo4j"
    principal: Principal = field(default_factory=Principal)

    def __post_init__(self) -> None:
        super().__init__()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking repository function (driver first) off the event loop."""
        return await asyncio.to_thread(fn, self.driver, self.database, *args, **kwargs)
