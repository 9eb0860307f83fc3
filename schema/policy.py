"""Who may read and change what: gridcare's access policy, top to bottom.

The caller is a `Principal`, built on the server from its bearer token
(`api.tokens`), never from arguments. Its role is one of `analysis.domain.Role`:

======================  ==============================================  ===========================================
role                    reads                                           changes
======================  ==============================================  ===========================================
admin                   every community                                 everything
staff                   their community, whole: counts, audits,         their community; consents and QR codes
                        suggestions, the access log, QR scans
grid / building /       the active residents living in their grid,      the residents living where they answer;
unit leader             building or unit (and themselves); the places   registering or moving people into, and
                        above theirs only as the way down               posts of, places in their scope; removing
                                                                        only who holds no post outside it
volunteer               themselves, the people they actively care for   nothing (``FORBIDDEN``)
                        today, and those people's homes
======================  ==============================================  ===========================================

Home services, matters, points and wills (`case_sight`, `check_case`, `check_new_case`, `check_points`,
`SERVICE_ADMIN`, `WILLS`): staff see and change all of their community's cases, points and settings, and alone
keep the will registry, good deeds, reversals and the gift shelf; a leader sees and moves the cases of the
residents and places they reach, asks for services and reports matters there, and records patrol shifts; a
volunteer sees the open requests of their grid, the cases of the people they reach and their own work, accepts
an open request for themselves, completes what they accepted, cancels what they asked for, handles what is
assigned to them, and redeems their own points.

What lies outside a caller's reach answers exactly as what does not exist:
null, left out of lists and counts, or the typed ``NotFound`` a made-up id gets.
Sensitive fields (health notes, emergency contacts) are served to whoever reaches
the resident, and every read is logged (`schema.sensitive`). A principal built
without arguments reaches nothing.

The reach of leaders and volunteers is read once per request (`Access`); its
Cypher is `graph.scope`. Staff-only fields carry a permission of this module
(`only`); every mutation asks the function of its family here
(`check_change`, `check_removal`) through `schema.changes.run_change`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from analysis.domain import RequestStatus, Role, today
from graph import scope as graph_scope
from graph.case_reads import CaseSight
from graph.matters import Matter
from graph.mutations import Address, place_of_address
from graph.requests import ServiceRequest
from graph.scope import Reach
from graph.visits import NewVisit, visit_by_id
from schema.results import Conflict, Invalid, NotFound

if TYPE_CHECKING:
    from strawberry.types import Info

    from graph.store import Store

WHOLE_COMMUNITY = frozenset({Role.ADMIN, Role.STAFF})  # see all of a community: nothing to filter


# --- the caller ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """The caller. ``scope_kind``/``scope_value`` name the place a leader answers for (``unit``/``5-2``);
    ``resident_id`` is the caller's own stable resident id, when the token names one. Without a role it
    reaches nothing: there is no default that grants anything."""

    name: str = "anonymous"
    role: Role | None = None
    community: str | None = None
    token_id: str | None = None
    scope_kind: str | None = None
    scope_value: str | None = None
    resident_id: str | None = None

    @classmethod
    def development(cls) -> Principal:
        """The caller of every request under ``GRIDCARE_AUTH=off`` (development mode only): an admin."""
        return cls(name="anonymous-development", role=Role.ADMIN)


def reads_community(p: Principal, community: str | None) -> bool:
    """Whether the caller sees the community at all: admins every one, anyone else their own
    (leaders and volunteers only their reach within it, `Access`)."""
    return p.role == Role.ADMIN or (p.role is not None and community is not None and community == p.community)


def reads_whole_community(p: Principal, community: str | None) -> bool:
    """Whether the caller sees all of the community (admins; its staff): counts, audits, logs, scans."""
    return p.role in WHOLE_COMMUNITY and reads_community(p, community)


# --- what one request reaches ----------------------------------------------------------------------------------


class Access:
    """The caller's reach, read on first use and kept for the request (shared by resolvers asking at once)."""

    def __init__(self, principal: Principal, run: Callable[..., Any]):
        self.principal = principal
        self._run = run  # Context.run: fn(store, *args) off the event loop
        self._reach: asyncio.Future[Reach] | None = None
        self.memo: dict[Any, Any] = {}  # what a request's checks compute once (the sight of cases of a community)

    @property
    def whole(self) -> bool:
        """Whether the caller sees whole communities (admin, staff): nothing to filter."""
        return self.principal.role in WHOLE_COMMUNITY

    async def reach(self, *, fresh: bool = False) -> Reach | None:
        """None for admin and staff; else the ids the caller reaches (``fresh``: read again now)."""
        if self.whole:
            return None
        if self._reach is None or fresh:
            self._reach = asyncio.ensure_future(self._run(reach_of, self.principal))
        return await self._reach

    async def keeper(self) -> Callable[[Any], bool] | None:
        """A test of loaded records (residents, places, `Related` nodes) for being within reach;
        None for an admin, who sees everything."""
        if self.principal.role == Role.ADMIN:
            return None
        reach = await self.reach()
        if reach is None:  # staff: their whole community
            community = self.principal.community
            return lambda item: _field(item, "community") == community
        return lambda item: reach.sees(str(_visible_id(item)))

    async def sees_resident(self, resident_id: str, community: str, *, fresh: bool = False) -> bool:
        """Whether the caller may see this resident (and read their sensitive fields, logged)."""
        if not reads_community(self.principal, community):
            return False
        reach = await self.reach(fresh=fresh)
        return reach is None or resident_id in reach.residents

    async def keep_care(self, care: list[Any]) -> list[Any]:
        """Care relationships (`CareRecord`) are listed only when both their ends are within reach."""
        reach = await self.reach()
        if reach is None:
            return care
        return [c for c in care if reach.sees(c.caregiver_id) and reach.sees(c.recipient_id)]

    async def keep_posts(self, posts: list[Any]) -> list[Any]:
        """Leader posts (`PostRecord`) are listed only when their holder is within reach."""
        reach = await self.reach()
        if reach is None:
            return posts
        return [p for p in posts if reach.sees(p.holder_id)]

    async def may_change(self, resident_id: str) -> bool:
        """Whether the caller may change a resident already known to be within reach: staff and admins
        always; a leader only those living where they answer (not themselves living elsewhere)."""
        reach = await self.reach()
        return reach is None or resident_id in reach.changes

    async def answers_for(self, place_id: str, community: str) -> bool:
        """Whether the caller may change things at a place (a unit, a household, a leader post's scope)."""
        if not reads_community(self.principal, community):
            return False
        reach = await self.reach()
        return reach is None or place_id in reach.answers_for


def reach_of(store: Store, principal: Principal) -> Reach:
    """What a leader or a volunteer reaches today (`graph.scope`); anyone else with a reach: nothing."""
    community = principal.community or ""
    role = principal.role
    if role is not None and role.is_leader and principal.scope_kind and principal.scope_value:
        return graph_scope.leader_reach(
            store, community, principal.scope_kind, principal.scope_value, principal.resident_id
        )
    if role == Role.VOLUNTEER and principal.resident_id:
        return graph_scope.volunteer_reach(store, community, principal.resident_id, today())
    return Reach(community=community, residents=frozenset(), places=frozenset(), answers_for=frozenset())


def _field(item: Any, name: str) -> Any:
    """A field of a record or dataclass, or of a `Related` item's node."""
    node = getattr(item, "node", None)
    return node.get(name) if node is not None else getattr(item, name, None)


def _visible_id(item: Any) -> Any:
    """The id that decides whether an item is within reach: a Party branch's or group's place (its grid or
    building), else its own."""
    rel = getattr(item, "rel", None)
    if isinstance(rel, dict) and "place" in rel:
        return rel["place"]
    return _field(item, "id")


# --- fields for staff ------------------------------------------------------------------------------------------


def not_found(community: str) -> GraphQLError:
    """What a caller gets for a community out of their reach: the answer for one that does not exist."""
    return GraphQLError(f"no community named {community!r}", extensions={"code": "NOT_FOUND"})


class StaffOfCommunity(BasePermission):
    """Fields that name everyone of the community given as the ``community`` argument (audits, suggestions,
    the access log, QR scans): its staff and admins; anyone else is told there is no such community."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        community = kwargs.get("community")
        if not reads_whole_community(info.context.principal, community):
            raise not_found(str(community))
        return True


class WholeCommunityOnly(BasePermission):
    """Fields of a `Community` that count all of it (`stats`): null for leaders and volunteers, since counts of
    the whole community on chosen days would tell them about people out of reach."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return reads_whole_community(info.context.principal, str(source.id))


class StaffOnly(BasePermission):
    """Changes made by the community office only (QR codes, consents): ``FORBIDDEN`` for anyone else."""

    error_extensions = {"code": "FORBIDDEN"}

    def __init__(self, message: str):
        self.message = message

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal.role in WHOLE_COMMUNITY


def only(*permissions: BasePermission, silent: bool = False) -> list[FieldExtension]:
    """The field extensions that hold a field to ``permissions``; ``silent``: null (or an empty list) instead
    of an error. No schema directive is added, so the SDL stays as it is."""
    return [PermissionExtension(permissions=list(permissions), use_directives=False, fail_silently=silent)]


QR_CODES = StaffOnly("QR codes are issued and revoked by community staff")
CONSENTS = StaffOnly("consents are recorded by community staff")


# --- mutations -------------------------------------------------------------------------------------------------


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


async def check_change(
    info: Info,
    community: str | None,
    residents: Sequence[str],
    place: tuple[str, str] | None,
    moving_to: Address | None,
) -> NotFound | Conflict | None:
    """The family of changes to people and places: None when the caller may make it, else the typed answer.

    Volunteers change nothing. A community, resident or place the caller may not change is answered as one
    that does not exist. Staff change their whole community; a leader changes the residents they reach who
    live where they answer and hold no post outside it (a change to them — removing them vacates their posts —
    is for staff), and the places they answer for: registering or moving someone into a unit, or filling a post,
    elsewhere is refused. ``place``: (kind, id) of the place changed (a post's scope); ``moving_to``: an address
    someone is registered or moved into.
    """
    principal, access = info.context.principal, info.context.access
    if principal.role == Role.VOLUNTEER or principal.role is None:
        raise forbidden(
            "volunteers read the records of the people they care for; changes are made by staff and leaders"
        )
    if community is not None and not reads_community(principal, community):
        return NotFound(message=f"no community named {community!r}", kind="community", id=community)
    home = community
    for rid in residents:
        found = await info.context.loaders.resident().load(rid)  # null when out of reach, as when missing
        if found is None or not reads_community(principal, found.community):
            return NotFound(message=f"no resident {rid!r}", kind="resident", id=rid)
        if not await access.may_change(rid):
            reason = "they live outside the caller's scope"
            return Conflict(message=f"resident {rid!r} cannot be changed: {reason}", reason=reason)
        if outside := await _post_outside(info, rid):
            reason = f"they hold a post of {outside!r}, outside the caller's scope: staff change them"
            return Conflict(message=f"resident {rid!r} cannot be changed: {reason}", reason=reason)
        home = home or found.community
    if moving_to is not None and home is not None:
        place = place_of_address(home, moving_to)
    if place is not None and home is not None and not await access.answers_for(place[1], home):
        kind, pid = place
        return NotFound(message=f"no {kind} {pid!r}", kind=kind, id=pid)
    return None


async def _post_outside(info: Info, resident_id: str) -> str | None:
    """The scope of a post the resident holds outside the caller's (a leader's) scope, if any."""
    access: Access = info.context.access
    reach = await access.reach()
    if reach is None:
        return None
    posts = await info.context.loaders.posts_of_resident().load(resident_id)  # theirs: they are within reach
    return next((p.scope_id for p in posts if p.scope_id not in reach.answers_for), None)


def may_choose_ids(principal: Principal) -> bool:
    """Whether the caller may give a new resident the ledger id of their choice: staff and admins. A leader
    choosing one could learn whether an id is taken out of their reach, so theirs are generated."""
    return principal.role in WHOLE_COMMUNITY


CARE_TIERS = StaffOnly("tiers of the visiting programme are set by community staff")


async def visit_as(info: Info, visit: NewVisit) -> NewVisit | NotFound | Invalid:
    """The family of visits: the visit to record as the caller may record it (the visitor filled in), or why not.

    Staff record any visit of their community, by a resident or by staff (no visitor). Leaders and volunteers
    record visits of the people in their reach; left out, the visitor is themselves (their token names them);
    a volunteer records only their own visits. An elder or visitor out of reach is answered as missing.
    """
    principal = info.context.principal
    if principal.role is None:
        raise forbidden("sign in to record visits")
    if await info.context.loaders.resident().load(visit.resident_id) is None:
        return NotFound(message=f"no resident {visit.resident_id!r}", kind="resident", id=visit.resident_id)
    visitor = visit.visitor_id
    if visitor is None and principal.role not in WHOLE_COMMUNITY:
        if principal.resident_id is None:
            why = "say who visited (visitorId): this token does not name its holder"
            return Invalid(message=f"invalid visitorId: {why}", field="visitorId", reason=why)
        visitor = principal.resident_id
    if principal.role == Role.VOLUNTEER and visitor != principal.resident_id:
        why = "a volunteer records their own visits"
        return Invalid(message=f"invalid visitorId: {why}", field="visitorId", reason=why)
    if visitor is not None and await info.context.loaders.resident().load(visitor) is None:
        return NotFound(message=f"no resident {visitor!r}", kind="resident", id=visitor)
    return replace(visit, visitor_id=visitor)


async def check_withdrawal(info: Info, visit_id: str) -> NotFound | Conflict | None:
    """A visit is withdrawn by staff, or by whoever recorded it (the same token); one of an elder out of reach is
    answered as missing."""
    principal = info.context.principal
    if principal.role is None:
        raise forbidden("sign in to withdraw visits")
    found = await info.context.run(visit_by_id, visit_id)
    if found is None or not await info.context.access.sees_resident(found.resident_id, found.community):
        return NotFound(message=f"no visit {visit_id!r}", kind="visit", id=visit_id)
    if principal.role in WHOLE_COMMUNITY or (principal.token_id and found.recorded_by_token == principal.token_id):
        return None
    why = "a visit is withdrawn by community staff or by whoever recorded it"
    return Conflict(message=f"visit {visit_id!r} cannot be withdrawn: {why}", reason=why)


# --- home services, matters, points, wills -------------------------------------------------------------------

SERVICE_ADMIN = StaffOnly("gifts, good deeds, reversals, team skills and the service settings are kept by staff")
WILLS = StaffOnly("the will registry (遗嘱库) is kept by community staff")


async def case_sight(info: Info, community: str) -> CaseSight:
    """Which cases of ``community`` the caller sees (`graph.case_reads.CaseSight`): staff and admins all; a leader
    those of the residents and places they reach; a volunteer those of the people they reach, their own work and
    the open requests of the grid they live in. Another community: ``NOT_FOUND``."""
    principal, access = info.context.principal, info.context.access
    if not reads_community(principal, community):
        raise not_found(community)
    key = ("case_sight", community)
    if key not in access.memo:
        reach = await access.reach()
        if reach is None:
            access.memo[key] = CaseSight()
        else:
            me = principal.resident_id
            grid = None
            if principal.role == Role.VOLUNTEER and me:
                home = await info.context.loaders.location().load(me)
                grid = home["grid"].number if home else None
            access.memo[key] = CaseSight(False, reach.residents, reach.answers_for, me, grid)
    sight: CaseSight = access.memo[key]
    return sight


async def sees_case(info: Info, case: ServiceRequest | Matter | None) -> bool:
    """Whether the caller sees this request or matter (what they do not see answers as missing)."""
    if case is None or not reads_community(info.context.principal, case.community):
        return False
    sight = await case_sight(info, case.community)
    if isinstance(case, ServiceRequest):
        people = (case.provider_id, case.asked_by)
        return _sees(sight, case.resident_id, people, case.grid, case.status == RequestStatus.REQUESTED, None)
    return _sees(sight, case.resident_id, (case.assignee_id, case.reported_by), None, False, case.place_id)


def _sees(
    sight: CaseSight,
    resident: str | None,
    people: Sequence[str | None],
    grid: str | None,
    open_request: bool,
    place: str | None,
) -> bool:
    """A case is seen by the whole community's staff; by whoever reaches its resident or answers for its place; by
    the people whose work it is (its provider, assignee, asker, reporter, resident); and, while a request is open,
    by the volunteers living in its grid."""
    if sight.whole:
        return True
    me = sight.me
    if resident in sight.residents or (place is not None and place in sight.places):
        return True
    if me is not None and (me == resident or me in people):
        return True
    return open_request and sight.grid is not None and grid == sight.grid


async def sees_change(info: Info, change: Any, *, fresh: bool = False) -> bool:
    """Whether a subscriber of the service board sees a case's transition (`schema.notify.CaseChange`); ``fresh``
    reads the caller's reach again."""
    if not reads_community(info.context.principal, change.community):
        return False
    if fresh:
        info.context.access.memo.pop(("case_sight", change.community), None)
        await info.context.access.reach(fresh=True)
    sight = await case_sight(info, change.community)
    open_request = change.case_kind == "request" and change.to == RequestStatus.REQUESTED
    return _sees(sight, change.resident, change.people, change.grid, open_request, change.place)


def _refused(kind: str, case_id: str, why: str) -> Conflict:
    return Conflict(message=f"{kind} {case_id!r} cannot be changed by the caller: {why}", reason=why)


async def check_case(info: Info, kind: str, case_id: str, case: ServiceRequest | Matter | None, action: str):
    """The family of case transitions: None when the caller may make it, else the typed answer.

    A case the caller does not see is answered as missing. Staff and admins do anything; a leader anything to
    the cases they see; a volunteer accepts an open request for themselves, completes what they accepted,
    cancels what they asked for, and handles a matter assigned to them — anything else is refused.
    """
    principal = info.context.principal
    if principal.role is None:
        raise forbidden("sign in to change cases")
    if not await sees_case(info, case):
        return NotFound(message=f"no {kind} {case_id!r}", kind=kind, id=case_id)
    assert case is not None
    if principal.role != Role.VOLUNTEER:
        return None
    me = principal.resident_id
    allowed = {
        "accept": isinstance(case, ServiceRequest) and me is not None,
        "complete": isinstance(case, ServiceRequest) and me is not None and case.provider_id == me,
        "cancel": isinstance(case, ServiceRequest) and me is not None and case.asked_by == me,
        "handle": isinstance(case, Matter) and me is not None and case.assignee_id == me,
    }
    if allowed.get(action):
        return None
    return _refused(kind, case_id, f"a volunteer may not {action} it: staff and leaders do")


async def check_new_case(info: Info, community: str | None, residents: Sequence[str], *, matters: bool = False):
    """Asking for a request (``matters``: reporting a matter): the people named must be within the caller's reach;
    a matter is reported by staff and leaders, never by a volunteer's token."""
    principal = info.context.principal
    if principal.role is None or (matters and principal.role == Role.VOLUNTEER):
        raise forbidden("matters are recorded by staff and leaders" if matters else "sign in to ask for services")
    if community is not None and not reads_community(principal, community):
        return NotFound(message=f"no community named {community!r}", kind="community", id=community)
    for rid in residents:
        if await info.context.loaders.resident().load(rid) is None:
            return NotFound(message=f"no resident {rid!r}", kind="resident", id=rid)
    return None


async def check_points(info: Info, resident_id: str, action: str):
    """Points of a resident: staff and admins for anyone of their community; a leader records patrol shifts of the
    people in their reach; a resident redeems for themselves. Volunteers record nothing else."""
    principal = info.context.principal
    if principal.role is None:
        raise forbidden("sign in to record points")
    if action == "patrol" and principal.role == Role.VOLUNTEER:
        raise forbidden("patrol shifts are recorded by staff and leaders")
    if await info.context.loaders.resident().load(resident_id) is None:
        return NotFound(message=f"no resident {resident_id!r}", kind="resident", id=resident_id)
    if principal.role in WHOLE_COMMUNITY or action == "patrol" or principal.resident_id == resident_id:
        return None
    why = "a resident redeems their own points; staff redeem for anyone"
    return Conflict(message=f"resident {resident_id!r}: {why}", reason=why)


def check_community_admin(info: Info, community: str) -> NotFound | None:
    """A change to a community's own settings, gifts or teams: its staff and admins (others: no such community)."""
    if reads_whole_community(info.context.principal, community):
        return None
    return NotFound(message=f"no community named {community!r}", kind="community", id=community)
