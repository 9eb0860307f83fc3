"""What requests and matters share over GraphQL: who acts, the record of transitions, typed refusals, cursors.

A transition refused by the lifecycle answers `IllegalTransition` (the status
the case is in, the action, why); a refusal of the ledger answers
`InsufficientPoints` or `OutOfStock`. They are members of the mutations' result
unions beside `NotFound`, `Invalid` and `Conflict`, and nothing was changed.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from graph import errors
from graph import points as graph_points
from graph.cases import Actor, Event
from graph.cases import IllegalTransition as GraphIllegal
from schema.connection import MAX_PAGE, PageInfo
from schema.context import Context
from schema.results import failure, user_error


@strawberry.type(description="The case cannot make this move from where it stands; nothing was changed.")
class IllegalTransition:
    message: str = strawberry.field(description="The whole explanation.")
    status: str = strawberry.field(description="The status the case is in (its code, e.g. `cancelled`).")
    action: str = strawberry.field(description="What was asked: accept, complete, cancel, assign, handle, close.")
    reason: str = strawberry.field(description="Why not, when more than the status says it.")


@strawberry.type(description="The balance does not cover the points asked for; nothing was changed.")
class InsufficientPoints:
    message: str = strawberry.field(description="The whole explanation.")
    balance: int = strawberry.field(description="The balance now.")
    needed: int = strawberry.field(description="The points the movement needs.")


@strawberry.type(description="The gift is not on the shelf; nothing was changed.")
class OutOfStock:
    message: str = strawberry.field(description="The whole explanation.")
    gift: str = strawberry.field(description="The gift's name.")


@strawberry.type(description="One transition of a request or a matter: who moved it, when, why.")
class CaseEvent:
    seq: int = strawberry.field(description="Its number in the case's history, from 1.")
    action: str = strawberry.field(
        description="ask, accept, complete, cancel, expire (requests); report, assign, handle, close, escalate."
    )
    from_status: str | None = strawberry.field(description="The status before (null for the first).")
    to_status: str = strawberry.field(description="The status after.")
    at: datetime = strawberry.field(description="When, with the community's offset.")
    by: str = strawberry.field(description="Who: the token's label, or `gridcare` for what the service did itself.")
    by_role: str = strawberry.field(description="Their role.")
    why: str | None = strawberry.field(description="Why, or what was done (a reason, a note).")

    @classmethod
    def from_event(cls, e: Event) -> CaseEvent:
        return cls(
            seq=e.seq,
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            at=e.at,
            by=e.by,
            by_role=e.by_role,
            why=e.why,
        )


async def history_of(info: Info[Context, None], case_id: str) -> list[CaseEvent]:
    events = await info.context.loaders.case_history().load(case_id)
    return [CaseEvent.from_event(e) for e in events]


def actor(info: Info[Context, None]) -> Actor:
    """Who makes a change, as the token says."""
    p = info.context.principal
    return Actor(label=p.name, role=p.role or "anonymous", token_id=p.token_id, resident_id=p.resident_id)


def typed_failure(e: errors.GraphError) -> Any:
    if isinstance(e, GraphIllegal):
        return IllegalTransition(message=str(e), status=e.status, action=e.action, reason=e.reason)
    if isinstance(e, graph_points.Insufficient):
        return InsufficientPoints(message=str(e), balance=e.balance, needed=e.needed)
    if isinstance(e, graph_points.OutOfStock):
        return OutOfStock(message=str(e), gift=e.gift)
    return failure(e)


async def answer(call: Awaitable[Any], payload: Callable[[Any], Any]) -> Any:
    """Await a repository call; its result through ``payload``, expected failures typed (lifecycle and ledger
    refusals included)."""
    try:
        return payload(await call)
    except (errors.NotFound, errors.Invalid, errors.Conflict) as e:
        return typed_failure(e)


def encode_cursor(at: datetime, item_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), item_id]).encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if cursor is None:
        return None
    try:
        at, item_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(item_id, str) or len(item_id) > 200:
            raise ValueError
        return datetime.fromisoformat(at), item_id
    except (ValueError, TypeError, binascii.Error):
        raise user_error(f"invalid cursor {cursor[:40]!r}") from None


def page_size(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise user_error(f"first must be between 0 and {MAX_PAGE}, got {first}")
    return first


def page_info(cursors: list[str], has_next: bool, after: str | None) -> PageInfo:
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


MAX_KEY_ARG = "At most 64 characters; a call repeated with the same key is answered as the first and changes nothing."
