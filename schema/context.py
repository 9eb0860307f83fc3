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

T = TypeVar("T")

AsOf = Annotated[date | None, strawberry.argument(description="The day to evaluate on; default today.")]


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
        self.loaders = Loaders(self.run)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking repository function (driver first) off the event loop."""
        return await asyncio.to_thread(fn, self.driver, self.database, *args, **kwargs)
