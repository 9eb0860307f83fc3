"""Relay-style connections: `residents(community, filter, orderBy, first, after)`."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import replace
from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from graph import ids
from graph.errors import NotFound
from graph.mutations.common import MAX_LABEL, MAX_NAME
from graph.reads.search import ResidentQuery, search_residents, sort_key
from schema.context import Context
from schema.enums import ResidentStatus, code
from schema.people import Resident
from schema.policy import reads_community
from schema.results import user_error

MAX_PAGE = 100


@strawberry.enum(description="What to sort residents by.")
class ResidentSort(Enum):
    NAME = strawberry.enum_value("NAME", description="By name, then id.")
    AGE = strawberry.enum_value("AGE", description="By age (youngest first unless descending), then id.")


@strawberry.input(description="Sort order of a resident list.")
class ResidentOrder:
    by: ResidentSort = strawberry.field(default=ResidentSort.NAME, description="Sort by name or by age.")
    descending: bool = strawberry.field(default=False, description="Largest first (oldest first for AGE).")


@strawberry.input(description="Filters of a resident list; all given filters must hold.")
class ResidentFilter:
    grid: str | None = strawberry.field(default=None, description="Grid number (`3`).")
    building: str | None = strawberry.field(default=None, description="Building number (`5`).")
    unit: str | None = strawberry.field(default=None, description="Unit number within `building` (`2`).")
    min_age: int | None = strawberry.field(default=None, description="Aged at least this on `asOf`.")
    max_age: int | None = strawberry.field(default=None, description="Aged at most this on `asOf`.")
    lives_alone: bool | None = strawberry.field(default=None, description="Lives alone (独居).")
    party_member: bool | None = strawberry.field(default=None, description="Party member (党员).")
    has_caregiver: bool | None = strawberry.field(default=None, description="Has an active caregiver on `asOf`.")
    holds_post: bool | None = strawberry.field(default=None, description="Holds a leader post (A or B).")
    team: str | None = strawberry.field(default=None, description="Member of the volunteer team of this name.")
    name_contains: str | None = strawberry.field(default=None, description="Name contains this text.")
    status: list[ResidentStatus] | None = strawberry.field(
        default=None, description="Statuses to include; default: only those living here (ACTIVE)."
    )
    as_of: date | None = strawberry.field(default=None, description="Day for ages and active care; default today.")


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page (an `after` cursor was given).")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of the page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; pass as `after` for the next page.")


@strawberry.type(description="One resident in a list, with its cursor.")
class ResidentEdge:
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: Resident = strawberry.field(description="The resident.")


@strawberry.type(description="A page of residents.")
class ResidentConnection:
    total_count: int = strawberry.field(description="How many residents match, over all pages.")
    edges: list[ResidentEdge] = strawberry.field(description="The residents of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")


def encode_cursor(sort: str, key: object, rid: str) -> str:
    value = key.isoformat() if isinstance(key, date) else key
    return base64.urlsafe_b64encode(json.dumps([sort, value, rid], ensure_ascii=False).encode()).decode()


def decode_cursor(cursor: str, sort: str) -> tuple:
    try:
        kind, value, rid = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if kind != sort or not isinstance(rid, str):
            raise ValueError
        return (date.fromisoformat(value) if sort == "AGE" else str(value)), rid
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise user_error(f"invalid cursor {cursor[:40]!r} for order by {sort}") from None


MAX_AGE = 150
_LABELS = (
    ("grid", MAX_LABEL),
    ("building", MAX_LABEL),
    ("unit", MAX_LABEL),
    ("team", MAX_LABEL),
    ("nameContains", MAX_NAME),
)


def _checked(f: ResidentFilter) -> None:
    """The filter's values within their ranges and lengths, or a BAD_USER_INPUT error naming the first that is not."""
    for name, age in (("minAge", f.min_age), ("maxAge", f.max_age)):
        if age is not None and not 0 <= age <= MAX_AGE:
            raise user_error(f"filter.{name} must be between 0 and {MAX_AGE}, got {age}")
    for name, limit in _LABELS:
        value = getattr(f, "name_contains" if name == "nameContains" else name)
        if value is not None and len(value) > limit:
            raise user_error(f"filter.{name} must be at most {limit} characters, not {len(value)}")
    if f.unit is not None and f.building is None:
        raise user_error("filter.unit needs filter.building: unit numbers repeat across buildings")
    if f.min_age is not None and f.max_age is not None and f.min_age > f.max_age:
        raise user_error(f"filter.minAge ({f.min_age}) is greater than filter.maxAge ({f.max_age})")


def resident_query(community: str, f: ResidentFilter) -> ResidentQuery:
    """The search of ``f`` in ``community``, or a BAD_USER_INPUT error (`_checked`)."""
    _checked(f)
    c = community
    return ResidentQuery(
        community=c,
        statuses=tuple(code(s) for s in f.status or [ResidentStatus.ACTIVE]),
        grid=ids.grid_id(c, f.grid) if f.grid else None,
        building=ids.building_id(c, f.building) if f.building else None,
        unit=ids.unit_id(c, f.building, f.unit) if f.building and f.unit else None,
        min_age=f.min_age,
        max_age=f.max_age,
        lives_alone=f.lives_alone,
        party_member=f.party_member,
        has_caregiver=f.has_caregiver,
        holds_post=f.holds_post,
        team=ids.team_id(c, f.team) if f.team else None,
        name_contains=f.name_contains,
        as_of=f.as_of,
    )


async def residents_connection(
    info: Info[Context, None],
    community: str,
    filter: ResidentFilter | None,
    order_by: ResidentOrder | None,
    first: int,
    after: str | None,
) -> ResidentConnection:
    if not 0 <= first <= MAX_PAGE:
        raise user_error(f"first must be between 0 and {MAX_PAGE}, got {first}")
    if not reads_community(info.context.principal, community):
        raise user_error(f"no community named {community!r}", "NOT_FOUND")
    order = order_by or ResidentOrder()
    sort = code(order.by)
    position = decode_cursor(after, sort) if after else None
    reach = await info.context.access.reach()
    query = resident_query(community, filter or ResidentFilter())
    if reach is not None:  # a leader or volunteer: only the residents within their reach
        query = replace(query, within=reach.residents)
    try:
        page = await info.context.run(
            search_residents, query, first=first, sort=sort, descending=order.descending, after=position
        )
    except NotFound as e:
        raise user_error(str(e), "NOT_FOUND") from e
    edges = [
        ResidentEdge(cursor=encode_cursor(sort, sort_key(r, sort), r.id), node=Resident.from_record(r))
        for r in page.residents
    ]
    info_ = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return ResidentConnection(total_count=page.total, edges=edges, page_info=info_)
