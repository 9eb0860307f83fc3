"""The per-request GraphQL context: the store, who is asking, and what they reach."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.fastapi import BaseContext

from graph.store import Store
from schema.loaders import Loaders
from schema.notify import AlertFeed, BoardFeed, ScanFeed
from schema.policy import Access, Principal

T = TypeVar("T")

AsOf = Annotated[date | None, strawberry.argument(description="The day to evaluate on; default today.")]


@dataclass
class Context(BaseContext):
    store: Store
    principal: Principal = field(default_factory=Principal)  # nobody, unless the token says who
    request_id: str = ""
    secret_key: bytes = b""  # the service's HMAC key (API tokens, QR codes); never sent to anyone
    qr_feed: ScanFeed | None = None  # the process's QR scan notifications, for `qrScanned` subscribers
    alert_feed: AlertFeed | None = None  # the process's care alerts, for `careAlerts` subscribers
    board_feed: BoardFeed | None = None  # the process's case changes, for `serviceBoard` subscribers
    operation: object = None  # the kind of operation running, once known (`schema.deadline`)

    def __post_init__(self) -> None:
        super().__init__()
        self.access = Access(self.principal, self.run)
        self.loaders = Loaders(self.run, self.access)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking repository function (the store first) off the event loop."""
        return await asyncio.to_thread(fn, self.store, *args, **kwargs)
