"""Coverage audits and assignment suggestions over GraphQL (the `analysis` package).

The lists front-ends act on are typed; the rest of the audit (coverage per
place, missing service roles, elder-only households, leader spans) is served
as JSON in the shape of `gridcare audit --format json`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

import analysis
from analysis.domain import Role, today
from graph import ids
from graph.errors import NotFound
from graph.export import community_graph
from graph.store import Store
from schema.context import AsOf, Context
from schema.enums import CareTier
from schema.people import Resident, resident_of
from schema.policy import StaffOfCommunity, only
from schema.results import user_error

Arg = strawberry.argument
MAX_SPOF = 200  # people listed by singlePointsOfFailure
ElderAge = Annotated[int, Arg(description="Age from which a resident is an elder (default 60).")]
Capacity = Annotated[
    int,
    Arg(
        description="People a leader or volunteer can care for, unless their own capacity says otherwise (default 10)."
    ),
]


async def _resident(info: Info[Context, None], community: str, local_id: str) -> Resident | None:
    return await resident_of(info, ids.resident_id(community, local_id))


@strawberry.type(description="An elder nobody actively cares for, most urgent first.")
class UncoveredElder:
    resident_id: str = strawberry.field(description="Ledger id (居民编号).")
    name: str = strawberry.field(description="Name.")
    age: int = strawberry.field(description="Age on the audit's day.")
    lives_alone: bool = strawberry.field(description="A solitary elder (独居老人).")
    grid: str | None = strawberry.field(description="Grid number.")
    building: str | None = strawberry.field(description="Building number.")
    unit: str | None = strawberry.field(description="Unit number.")
    room: str | None = strawberry.field(description="Room number.")
    community: strawberry.Private[str]

    @strawberry.field(description="The resident's stable id (`Resident.id`), without looking them up.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.resident_id(self.community, self.resident_id))

    @strawberry.field(description="The resident, to walk the network from.")
    async def resident(self, info: Info[Context, None]) -> Resident | None:
        return await _resident(info, self.community, self.resident_id)


@strawberry.type(description="A leader who actively cares for more people than their capacity.")
class OverloadedLeader:
    resident_id: str = strawberry.field(description="Ledger id.")
    name: str = strawberry.field(description="Name.")
    care_load: int = strawberry.field(description="Distinct people they actively care for.")
    capacity: int = strawberry.field(description="Their capacity (their own, or the audit's).")
    posts: list[str] = strawberry.field(description="Posts held, e.g. `building_leader:5:A`.")


@strawberry.type(description="A place with a post missing: no leader at all, or no B backup.")
class PostGap:
    role: str = strawberry.field(description="grid_leader, building_leader or unit_leader.")
    grid: str | None = strawberry.field(description="Grid number, where known.")
    building: str | None = strawberry.field(description="Building number, for buildings and units.")
    unit: str | None = strawberry.field(description="Unit number, for units.")


@strawberry.type(description="How well the elders of one grid, building or unit are covered (包保覆盖).")
class PlaceCoverage:
    kind: str = strawberry.field(description="`grid`, `building` or `unit`.")
    grid: str | None = strawberry.field(description="Grid number.")
    building: str | None = strawberry.field(description="Building number, for buildings and units.")
    unit: str | None = strawberry.field(description="Unit number, for units.")
    elders: int = strawberry.field(description="Elders living there.")
    covered: int = strawberry.field(description="Of them, actively cared for by someone.")
    uncovered: int = strawberry.field(description="Of them, cared for by nobody.")
    solitary_uncovered: int = strawberry.field(description="Of the uncovered, those living alone.")


def _coverage(rows: dict[str, list[dict[str, Any]]]) -> list[PlaceCoverage]:
    return [
        PlaceCoverage(
            kind=kind,
            grid=r.get("grid"),
            building=r.get("building"),
            unit=r.get("unit"),
            elders=r["elders"],
            covered=r["covered"],
            uncovered=r["uncovered"],
            solitary_uncovered=r["solitary_uncovered"],
        )
        for kind in ("grid", "building", "unit")
        for r in rows.get(f"{kind}s", [])
    ]


@strawberry.type(description="An elder of the visiting programme not contacted in time (逾期未探访).")
class OverdueVisit:
    resident_id: str = strawberry.field(description="Ledger id (居民编号).")
    name: str | None = strawberry.field(description="Name.")
    tier: CareTier = strawberry.field(description="Their tier on the audit's day.")
    last_contact: date | None = strawberry.field(description="Their last contact on or before the day; null: never.")
    days_since: int | None = strawberry.field(description="Days from the last contact to the audit's day.")
    due: date | None = strawberry.field(description="Last contact + the tier's cadence; null when never contacted.")
    caregivers: list[str] = strawberry.field(description="Ledger ids of their active caregivers.")
    community: strawberry.Private[str]

    @strawberry.field(description="The resident, to walk the network from.")
    async def resident(self, info: Info[Context, None]) -> Resident | None:
        return await _resident(info, self.community, self.resident_id)


@strawberry.type(description="A share for each tier of the visiting programme (null: nobody in the tier).")
class TierRates:
    high: float | None = strawberry.field(description="High risk (高风险).")
    key: float | None = strawberry.field(description="Key (重点).")
    general: float | None = strawberry.field(description="General (一般).")


@strawberry.type(description="A whole number for each tier of the visiting programme.")
class TierCounts:
    high: int = strawberry.field(description="High risk (高风险).")
    key: int = strawberry.field(description="Key (重点).")
    general: int = strawberry.field(description="General (一般).")


@strawberry.type(description="Care that reached the elders: contacts against each tier's cadence (探访).")
class VisitsAudit:
    cadence: TierCounts = strawberry.field(description="Days between contacts each tier asks for.")
    in_programme: TierCounts = strawberry.field(description="Elders in the programme, by tier.")
    contacted_30d: TierCounts = strawberry.field(description="Of them, contacted in the 30 days ending on the day.")
    contact_rate_30d: float | None = strawberry.field(
        description="Share (0 to 1) of the programme's elders contacted in the 30 days ending on the day, both "
        "ends included; null when nobody is in it."
    )
    contact_rate_30d_by_tier: TierRates = strawberry.field(description="The same share per tier (null: none in it).")
    covered_but_overdue: int = strawberry.field(description="Overdue elders who have an active caregiver.")
    overdue: list[OverdueVisit] = strawberry.field(
        description="High, key, general; within a tier never contacted first, then most days since."
    )
    places: JSON = strawberry.field(description="The 30-day contact rate per grid, building and unit.")


def _rates(values: dict[str, Any]) -> TierRates:
    return TierRates(high=values["high"], key=values["key"], general=values["general"])


def _counts(values: dict[str, Any]) -> TierCounts:
    return TierCounts(high=values["high"], key=values["key"], general=values["general"])


def _visits(d: dict[str, Any], community: str) -> VisitsAudit:
    return VisitsAudit(
        cadence=_counts(d["cadence"]),
        in_programme=_counts(d["in_programme"]),
        contacted_30d=_counts(d["contacted_30d"]),
        contact_rate_30d=d["contact_rate_30d"],
        contact_rate_30d_by_tier=_rates(d["contact_rate_30d_by_tier"]),
        covered_but_overdue=d["covered_but_overdue"],
        overdue=[
            OverdueVisit(
                resident_id=o["resident_id"],
                name=o["name"],
                tier=CareTier(o["tier"]),
                last_contact=date.fromisoformat(o["last_contact"]) if o["last_contact"] else None,
                days_since=o["days_since"],
                due=date.fromisoformat(o["due"]) if o["due"] else None,
                caregivers=o["caregivers"],
                community=community,
            )
            for o in d["overdue"]
        ],
        places=JSON(d["places"]),
    )


@strawberry.input(description="Days between contacts per tier of the visiting programme; unset: the default.")
class CadenceInput:
    high: int | None = strawberry.field(default=None, description="High risk, 1 to 366 days (default 7).")
    key: int | None = strawberry.field(default=None, description="Key, 1 to 366 days (default 30).")
    general: int | None = strawberry.field(default=None, description="General, 1 to 366 days (default 90).")


@strawberry.type(description="The coverage audit of one community (包保 coverage, posts, workloads).")
class CoverageAudit:
    community: str = strawberry.field(description="The community audited.")
    as_of: date = strawberry.field(description="The audit's day.")
    elder_age: int = strawberry.field(description="Age from which a resident counts as an elder.")
    care_capacity: int = strawberry.field(description="Default care capacity used.")
    totals: JSON = strawberry.field(description="Counts: elders, uncovered, solitary uncovered, posts missing…")
    uncovered_elders: list[UncoveredElder] = strawberry.field(description="Solitary first, oldest first.")
    overloaded_leaders: list[OverloadedLeader] = strawberry.field(description="Heaviest load first.")
    grids_without_leader: list[PostGap] = strawberry.field(description="Grids with no grid leader, A or B.")
    buildings_without_leader: list[PostGap] = strawberry.field(description="Buildings with no building leader.")
    units_without_leader: list[PostGap] = strawberry.field(description="Units with no unit leader.")
    scopes_without_backup: list[PostGap] = strawberry.field(description="Places with a post A and no post B.")
    coverage: list[PlaceCoverage] = strawberry.field(
        description="Coverage per grid, building and unit (grids first, in place order); also in `details`."
    )
    visits: VisitsAudit = strawberry.field(description="Contact, not only assignment: who is overdue a visit.")
    details: JSON = strawberry.field(
        description="Coverage per grid, building and unit, grids missing service "
        "roles, elder-only households, leader spans."
    )


@strawberry.type(description="One suggested responsibility (包保): who should take on whom.")
class SuggestedAssignment:
    elder_id: str = strawberry.field(description="Ledger id of the elder.")
    caregiver_id: str = strawberry.field(description="Ledger id of the suggested caregiver.")
    proximity: str = strawberry.field(description="Where both live: unit, building, grid or community.")
    cost: int = strawberry.field(description="1 same unit, 2 same building, 3 same grid, 4 elsewhere.")
    community: strawberry.Private[str]

    @strawberry.field(description="The elder.")
    async def elder(self, info: Info[Context, None]) -> Resident | None:
        return await _resident(info, self.community, self.elder_id)

    @strawberry.field(description="The suggested caregiver.")
    async def caregiver(self, info: Info[Context, None]) -> Resident | None:
        return await _resident(info, self.community, self.caregiver_id)


@strawberry.type(description="Optimal suggestions: most solitary elders covered, then most elders, then least cost.")
class AssignmentSuggestions:
    community: str = strawberry.field(description="The community.")
    as_of: date = strawberry.field(description="The day the suggestions are for.")
    assignments: list[SuggestedAssignment] = strawberry.field(description="The suggested pairs.")
    unassigned: list[str] = strawberry.field(description="Ledger ids of uncovered elders left without a suggestion.")
    totals: JSON = strawberry.field(description="covered, solitary_covered and cost.")


@strawberry.type(description="A person whose absence would leave elders with nobody answering for them.")
class SinglePoint:
    resident_id: str = strawberry.field(description="Ledger id (居民编号).")
    name: str | None = strawberry.field(description="Name.")
    posts: list[str] = strawberry.field(description="Posts held, e.g. `building_leader:5:A`.")
    elders: int = strawberry.field(description="Elders their absence would leave with nobody.")
    solitary: int = strawberry.field(description="Of those, elders living alone.")
    sole_caregiver_of: int = strawberry.field(description="Of those, elders they are the only caregiver of.")
    fixed_by_backup: int = strawberry.field(description="Of those, elders a B backup at their sole posts would keep.")
    sole_posts: list[str] = strawberry.field(description="Posts of places they alone hold (A or B).")
    elder_ids: list[str] = strawberry.field(description="Ledger ids of those elders, solitary and oldest first.")
    community: strawberry.Private[str]

    @strawberry.field(description="The person, to walk the network from.")
    async def resident(self, info: Info[Context, None]) -> Resident | None:
        return await _resident(info, self.community, self.resident_id)


@strawberry.type(
    description="Single points of failure (单点风险): people ranked by the elders their absence would leave."
)
class SinglePointsOfFailure:
    community: str = strawberry.field(description="The community.")
    as_of: date = strawberry.field(description="The day care must be active on.")
    totals: JSON = strawberry.field(description="elders, elders_at_risk, unreached_elders and people.")
    people: list[SinglePoint] = strawberry.field(description="Most elders left first, then most solitary.")
    unreached_elders: list[str] = strawberry.field(
        description="Ledger ids of elders nobody answers for already: no caregiver and a vacant post above them."
    )


def _gaps(rows: list[dict[str, Any]], role: str = "") -> list[PostGap]:
    return [
        PostGap(role=r.get("role", role), grid=r.get("grid"), building=r.get("building"), unit=r.get("unit"))
        for r in rows
    ]


def _audit(
    store: Store, community: str, as_of: date, elder_age: int, care_capacity: int, cadence: dict[str, int] | None = None
) -> CoverageAudit:
    d = analysis.audit(
        community_graph(store, community, as_of=as_of),
        as_of=as_of,
        elder_age=elder_age,
        care_capacity=care_capacity,
        cadence=cadence,
    ).to_dict()
    typed = (
        "totals",
        "uncovered_elders",
        "overloaded_leaders",
        "grids_without_leader",
        "buildings_without_leader",
        "units_without_leader",
        "scopes_without_backup",
        "visits",
    )
    return CoverageAudit(
        community=community,
        as_of=date.fromisoformat(d["as_of"]),
        elder_age=elder_age,
        care_capacity=care_capacity,
        totals=d["totals"],
        uncovered_elders=[UncoveredElder(**e, community=community) for e in d["uncovered_elders"]],
        overloaded_leaders=[OverloadedLeader(**o) for o in d["overloaded_leaders"]],
        grids_without_leader=_gaps(d["grids_without_leader"], Role.GRID_LEADER),
        buildings_without_leader=_gaps(d["buildings_without_leader"], Role.BUILDING_LEADER),
        units_without_leader=_gaps(d["units_without_leader"], Role.UNIT_LEADER),
        scopes_without_backup=_gaps(d["scopes_without_backup"]),
        coverage=_coverage(d["coverage"]),
        visits=_visits(d["visits"], community),
        details=JSON(
            {
                k: v
                for k, v in d.items()
                if k not in typed and k not in ("community", "as_of", "elder_age", "care_capacity")
            }
        ),
    )


def _suggest(store: Store, community: str, as_of: date, elder_age: int, care_capacity: int) -> AssignmentSuggestions:
    d = analysis.suggest_assignments(
        community_graph(store, community, as_of=as_of, visitors=True),
        as_of=as_of,
        elder_age=elder_age,
        care_capacity=care_capacity,
    ).to_dict()
    return AssignmentSuggestions(
        community=community,
        as_of=date.fromisoformat(d["as_of"]),
        unassigned=d["unassigned"],
        totals=d["totals"],
        assignments=[SuggestedAssignment(**a, community=community) for a in d["assignments"]],
    )


def _spof(store: Store, community: str, as_of: date, elder_age: int, limit: int) -> SinglePointsOfFailure:
    d = analysis.single_points_of_failure(
        community_graph(store, community, as_of=as_of), as_of=as_of, elder_age=elder_age, limit=limit
    ).to_dict()
    return SinglePointsOfFailure(
        community=community,
        as_of=date.fromisoformat(d["as_of"]),
        totals=d["totals"],
        people=[SinglePoint(**p, community=community) for p in d["people"]],
        unreached_elders=d["unreached_elders"],
    )


@strawberry.type
class AnalysisQuery:
    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description="Audit who is cared for, who carries too much, and which posts are vacant. "
        "Staff of the community and admins only (it names everyone).",
    )
    async def coverage_audit(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        as_of: AsOf = None,
        elder_age: ElderAge = 60,
        care_capacity: Capacity = 10,
        cadence: Annotated[
            CadenceInput | None, Arg(description="Days between contacts per tier (default 7, 30, 90).")
        ] = None,
    ) -> CoverageAudit:
        given = {"high": cadence.high, "key": cadence.key, "general": cadence.general} if cadence else {}
        days = {tier: value for tier, value in given.items() if value is not None}
        try:
            analysis.visits.cadence_of(days)
        except ValueError as e:
            raise user_error(f"cadence: {e}") from e
        return await _analyse(info, _audit, community, as_of, elder_age, _capacity(care_capacity), days or None)

    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description="Suggest, optimally, who should take responsibility (包保) for each uncovered elder. "
        "Staff of the community and admins only.",
    )
    async def assignment_suggestions(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        as_of: AsOf = None,
        elder_age: ElderAge = 60,
        care_capacity: Capacity = 10,
    ) -> AssignmentSuggestions:
        return await _analyse(info, _suggest, community, as_of, elder_age, _capacity(care_capacity))

    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description="Single points of failure (单点风险): the people whose absence would leave most elders with "
        "nobody — no caregiver, no unbroken chain of leaders — and what an AB backup would fix, as `gridcare "
        "spof`. Staff of the community and admins only.",
    )
    async def single_points_of_failure(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        as_of: AsOf = None,
        elder_age: ElderAge = 60,
        limit: Annotated[int, Arg(description=f"How many people, 1 to {MAX_SPOF}.")] = 20,
    ) -> SinglePointsOfFailure:
        if not 1 <= limit <= MAX_SPOF:
            raise user_error(f"limit must be between 1 and {MAX_SPOF}, got {limit}")
        return await _analyse(info, _spof, community, as_of, elder_age, limit)


async def _analyse(info: Info[Context, None], fn, community: str, as_of: date | None, elder_age: int, *options: Any):
    """Check the elder age, export the community and run ``fn`` off the event loop (``options``: what ``fn``
    takes after the elder age: the care capacity and cadence, or how many people to list)."""
    if not 0 <= elder_age <= 150:
        raise user_error(f"elderAge must be between 0 and 150, got {elder_age}")
    try:
        return await info.context.run(fn, community, as_of or today(), elder_age, *options)
    except NotFound as e:
        raise user_error(str(e), "NOT_FOUND") from e


def _capacity(care_capacity: int) -> int:
    if not 0 <= care_capacity <= 1000:
        raise user_error(f"careCapacity must be between 0 and 1000, got {care_capacity}")
    return care_capacity
