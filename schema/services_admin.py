"""Running home services: the community's settings, its teams' skills, and the secretary's reports.

`serviceSettings` / `setServiceSettings` hold the earning rules of points, the
wanted window of requests, the escalation thresholds of matters, the "eight
zeros" tracked and the will registry's offer list (`analysis.services`).
`setTeamServiceKinds` declares what a volunteer team does (dispatch reads it).
`servicesReport` and `eightZeros` are what ``gridcare report services`` and
``gridcare report eight-zeros`` print, with the same names camel-cased. All of
it is for the community's staff and admins.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import strawberry
from strawberry.types import Info

from analysis.domain import SERVICE_KINDS, today
from analysis.domain import EightZero as DomainEightZero
from analysis.domain import ServiceKind as DomainKind
from analysis.service_report import EightZerosYear as EightZerosRecord
from analysis.service_report import ServicesReport as ReportRecord
from analysis.services import ServiceSettings as Settings
from graph import service_reports
from graph import service_settings as graph_settings
from schema.cases import answer
from schema.context import Context
from schema.enums import EightZero, ServiceKind, code
from schema.matters import settings_of
from schema.policy import SERVICE_ADMIN, StaffOfCommunity, check_community_admin, only
from schema.results import Conflict, Invalid, NotFound, user_error

Arg = strawberry.argument


@strawberry.type(description="Points for a request done, by its kind.")
class KindPoints:
    kind: ServiceKind = strawberry.field(description="The kind of service.")
    points: int = strawberry.field(description="Its base points (plus points per hour of its duration).")


@strawberry.input(description="Points for a request done, by its kind.")
class KindPointsInput:
    kind: ServiceKind = strawberry.field(description="The kind of service.")
    points: int = strawberry.field(description="Its base points, 0 to 1000.")


@strawberry.type(description="A community's settings of home services, matters, points and the will registry.")
class ServiceSettings:
    request_points: list[KindPoints] = strawberry.field(description="Base points of a request done, by kind.")
    points_per_hour: int = strawberry.field(description="Points per hour of a request's duration (pro rata).")
    visit_points: int = strawberry.field(description="Points for a contact visit (探访); an attempt earns none.")
    patrol_points_per_hour: int = strawberry.field(description="Points per hour of a patrol shift.")
    good_deed_max: int = strawberry.field(description="The most a good deed may earn.")
    window_hours: int = strawberry.field(description="How long a request waits to be accepted without a window end.")
    escalate_grid_hours: int = strawberry.field(description="A waiting matter goes to the grid leader after this.")
    escalate_office_hours: int = strawberry.field(description="… and to the community office after this.")
    eight_zeros: list[EightZero] = strawberry.field(description='The "eight zeros" the year view counts.')
    will_offers: bool = strawberry.field(description="Whether the will registry lists elders to offer it to.")
    will_offer_age: int = strawberry.field(description="From which age a solitary elder is on that list.")

    @classmethod
    def from_settings(cls, s: Settings) -> ServiceSettings:
        p = s.points
        return cls(
            request_points=[KindPoints(kind=ServiceKind(k.value), points=p.request_base[k]) for k in SERVICE_KINDS],
            points_per_hour=p.per_hour,
            visit_points=p.visit,
            patrol_points_per_hour=p.patrol_per_hour,
            good_deed_max=p.good_deed_max,
            window_hours=s.window_hours,
            escalate_grid_hours=s.escalate_grid_hours,
            escalate_office_hours=s.escalate_office_hours,
            eight_zeros=[EightZero(e.value) for e in s.eight_zeros],
            will_offers=s.will_offers,
            will_offer_age=s.will_offer_age,
        )


@strawberry.input(description="Settings to change; a field left out keeps its value.")
class ServiceSettingsInput:
    request_points: list[KindPointsInput] | None = strawberry.field(default=None, description="By kind (7 at most).")
    points_per_hour: int | None = strawberry.field(default=None, description="0 to 1000.")
    visit_points: int | None = strawberry.field(default=None, description="0 to 1000.")
    patrol_points_per_hour: int | None = strawberry.field(default=None, description="0 to 1000.")
    good_deed_max: int | None = strawberry.field(default=None, description="0 to 10000.")
    window_hours: int | None = strawberry.field(default=None, description="1 to 2160 (90 days).")
    escalate_grid_hours: int | None = strawberry.field(default=None, description="1 to 2160.")
    escalate_office_hours: int | None = strawberry.field(default=None, description="More than escalateGridHours.")
    eight_zeros: list[EightZero] | None = strawberry.field(default=None, description="The kinds tracked (8 at most).")
    will_offers: bool | None = strawberry.field(default=None, description="Turn the offer list on or off.")
    will_offer_age: int | None = strawberry.field(default=None, description="60 to 120.")

    def applied(self, s: Settings) -> Settings:
        p = s.points
        base = dict(p.request_base)
        for kp in (self.request_points or [])[: len(SERVICE_KINDS)]:
            base[DomainKind(code(kp.kind))] = kp.points
        points = replace(
            p,
            request_base=base,
            per_hour=_or(self.points_per_hour, p.per_hour),
            visit=_or(self.visit_points, p.visit),
            patrol_per_hour=_or(self.patrol_points_per_hour, p.patrol_per_hour),
            good_deed_max=_or(self.good_deed_max, p.good_deed_max),
        )
        zeros = s.eight_zeros
        if self.eight_zeros is not None:
            zeros = tuple(DomainEightZero(code(e)) for e in dict.fromkeys(self.eight_zeros))
        return replace(
            s,
            points=points,
            window_hours=_or(self.window_hours, s.window_hours),
            escalate_grid_hours=_or(self.escalate_grid_hours, s.escalate_grid_hours),
            escalate_office_hours=_or(self.escalate_office_hours, s.escalate_office_hours),
            eight_zeros=zeros,
            will_offers=s.will_offers if self.will_offers is None else self.will_offers,
            will_offer_age=_or(self.will_offer_age, s.will_offer_age),
        )


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


@strawberry.type(description="The settings after the change.")
class ServiceSettingsPayload:
    settings: ServiceSettings = strawberry.field(description="The settings as kept now.")


@strawberry.type(description="A team's declared kinds of home service, after the change.")
class TeamKindsPayload:
    team: str = strawberry.field(description="The team's name.")
    kinds: list[ServiceKind] = strawberry.field(description="What it does (as declared, else by its name).")


SettingsResult = Annotated[
    ServiceSettingsPayload | NotFound | Invalid | Conflict,
    strawberry.union("SettingsResult", description="ServiceSettingsPayload, or why nothing was changed."),
]
TeamKindsResult = Annotated[
    TeamKindsPayload | NotFound | Invalid | Conflict,
    strawberry.union("TeamKindsResult", description="TeamKindsPayload, or why nothing was changed."),
]


@strawberry.type(description="How many, of one kind of service.")
class KindCount:
    kind: ServiceKind = strawberry.field(description="The kind.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="How many, of one code (a status, a kind of matter, a satisfaction, a grid).")
class CodeCount:
    code: str = strawberry.field(description="The code, as the JSON report writes it.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="A grid's requests in the month.")
class GridServices:
    grid: str = strawberry.field(description="The grid's number.")
    requested_by_kind: list[KindCount] = strawberry.field(description="Asked in the month, by kind.")
    done_by_kind: list[KindCount] = strawberry.field(description="Done in the month, by kind.")
    expired: int = strawberry.field(description="Expired in the month.")


@strawberry.type(description="An elder who asked often in the month.")
class TopAsker:
    resident_id: str = strawberry.field(description="Their ledger id (居民编号).")
    name: str = strawberry.field(description="Their name.")
    requests: int = strawberry.field(description="Requests asked for them in the month.")


@strawberry.type(description="The month's matters.")
class MatterMonth:
    reported_by_kind: list[CodeCount] = strawberry.field(description="Raised in the month, by kind.")
    closed_by_kind: list[CodeCount] = strawberry.field(description="Closed in the month, by kind.")
    median_hours_to_close: float | None = strawberry.field(description="From raised to closed, of those closed.")
    escalations_to_grid: int = strawberry.field(description="Matters that went up to the grid leader in the month.")
    escalations_to_office: int = strawberry.field(description="… and to the community office.")
    satisfaction: list[CodeCount] = strawberry.field(description="Satisfaction of those closed.")
    by_grid: list[CodeCount] = strawberry.field(description="Raised in the month, by grid.")


def _kinds(counts: dict[str, int]) -> list[KindCount]:
    return [KindCount(kind=ServiceKind(k), count=n) for k, n in counts.items()]


def _codes(counts: dict[str, int]) -> list[CodeCount]:
    return [CodeCount(code=k, count=n) for k, n in counts.items()]


@strawberry.type(description="A month of home services and matters (`gridcare report services`).")
class ServicesReport:
    community: str = strawberry.field(description="The community.")
    month: str = strawberry.field(description="The month, YYYY-MM.")
    requested_by_kind: list[KindCount] = strawberry.field(description="Asked in the month (imported history too).")
    done_by_kind: list[KindCount] = strawberry.field(description="Done in the month (imported history too).")
    by_status: list[CodeCount] = strawberry.field(description="Those asked in the month, by their status now.")
    expired: int = strawberry.field(description="Requests whose window ended in the month with nobody accepting.")
    median_hours_to_accept: float | None = strawberry.field(description="Asked to accepted, of those accepted.")
    median_hours_to_complete: float | None = strawberry.field(description="Asked to done, of those done.")
    top_askers: list[TopAsker] = strawberry.field(description="The elders who asked most (10 at most).")
    by_grid: list[GridServices] = strawberry.field(description="By grid.")
    matters: MatterMonth = strawberry.field(description="The month's matters.")

    @classmethod
    def from_report(cls, r: ReportRecord) -> ServicesReport:
        m = r.matters
        return cls(
            community=r.community or "",
            month=r.month,
            requested_by_kind=_kinds(r.requested_by_kind),
            done_by_kind=_kinds(r.done_by_kind),
            by_status=_codes(r.by_status),
            expired=r.expired,
            median_hours_to_accept=r.median_hours_to_accept,
            median_hours_to_complete=r.median_hours_to_complete,
            top_askers=[
                TopAsker(resident_id=a["resident_id"], name=a["name"], requests=a["requests"]) for a in r.top_askers
            ],
            by_grid=[
                GridServices(
                    grid=g,
                    requested_by_kind=_kinds(v["requested_by_kind"]),
                    done_by_kind=_kinds(v["done_by_kind"]),
                    expired=v["expired"],
                )
                for g, v in r.by_grid.items()
            ],
            matters=MatterMonth(
                reported_by_kind=_codes(m["reported_by_kind"]),
                closed_by_kind=_codes(m["closed_by_kind"]),
                median_hours_to_close=m["median_hours_to_close"],
                escalations_to_grid=m["escalations"]["grid"],
                escalations_to_office=m["escalations"]["office"],
                satisfaction=_codes(m["satisfaction"]),
                by_grid=_codes(m["by_grid"]),
            ),
        )


@strawberry.type(description='Matters of one of the "eight zeros" in a year.')
class EightZeroCount:
    category: EightZero = strawberry.field(description="Which of the eight.")
    count: int = strawberry.field(description="Matters so marked, raised in the year.")


@strawberry.type(description='A year\'s "eight zeros" (八零): matters of each kind the community tracks.')
class EightZeros:
    year: int = strawberry.field(description="The year.")
    counts: list[EightZeroCount] = strawberry.field(description="One per kind tracked.")
    zero: bool = strawberry.field(description="Every count is zero: the year reached its eight zeros.")

    @classmethod
    def from_record(cls, y: EightZerosRecord) -> EightZeros:
        counts = [EightZeroCount(category=EightZero(k), count=n) for k, n in y.counts.items()]
        return cls(year=y.year, counts=counts, zero=y.zero)


def _month(month: str) -> tuple[int, int]:
    try:
        year, number = (int(part) for part in month.split("-"))
    except ValueError:
        raise user_error(f"month {month[:20]!r} is not written YYYY-MM") from None
    if not (1900 <= year <= 2100 and 1 <= number <= 12) or len(month) > 7:
        raise user_error(f"month {month[:20]!r} is not a month from 1900-01 to 2100-12")
    return year, number


@strawberry.type
class ServicesAdminQuery:
    @strawberry.field(
        extensions=only(StaffOfCommunity()), description="The community's service settings; staff and admins."
    )
    async def service_settings(
        self, info: Info[Context, None], community: Annotated[str, Arg(description="The community's name.")]
    ) -> ServiceSettings:
        return ServiceSettings.from_settings(await settings_of(info, community))

    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description="A month of home services and matters, as `gridcare report services`: requests by kind and "
        "status, per grid, median times, expired requests, the elders who asked most, matters by kind, time to "
        "close, escalations. Staff and admins.",
    )
    async def services_report(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        month: Annotated[str, Arg(description="The month, YYYY-MM (the community's calendar).")],
    ) -> ServicesReport:
        year, number = _month(month)
        await settings_of(info, community)  # NOT_FOUND for an unknown community
        found = await info.context.run(service_reports.month_report, community, year, number)
        return ServicesReport.from_report(found)

    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description='A year\'s "eight zeros" (八零), as `gridcare report eight-zeros`. Staff and admins.',
    )
    async def eight_zeros(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        year: Annotated[int | None, Arg(description="The year; default this year.")] = None,
    ) -> EightZeros:
        when = year or today().year
        if not 1900 <= when <= 2100:
            raise user_error(f"year must be between 1900 and 2100, got {when}")
        await settings_of(info, community)  # NOT_FOUND for an unknown community
        return EightZeros.from_record(await info.context.run(service_reports.eight_zeros_year, community, when))


@strawberry.type
class ServicesAdminMutation:
    @strawberry.mutation(
        extensions=only(SERVICE_ADMIN),
        description="Change the community's service settings (a field left out is kept). Staff and admins.",
    )
    async def set_service_settings(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        input: Annotated[ServiceSettingsInput, Arg(description="What to change.")],
    ) -> SettingsResult:
        if denied := check_community_admin(info, community):
            return denied
        current = await settings_of(info, community)
        new = input.applied(current)
        info.context.access.memo.pop(("service_settings", community), None)
        call = info.context.run(graph_settings.save_settings, community, new)
        return await answer(call, lambda s: ServiceSettingsPayload(settings=ServiceSettings.from_settings(s)))

    @strawberry.mutation(
        extensions=only(SERVICE_ADMIN),
        description="Declare the kinds of home service a volunteer team does (dispatch ranks its members by them); "
        "null: by the team's name again. Staff and admins.",
    )
    async def set_team_service_kinds(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        team: Annotated[str, Arg(description="The team's name, at most 40 characters.")],
        kinds: Annotated[list[ServiceKind] | None, Arg(description="What it does; [] for nothing.")],
    ) -> TeamKindsResult:
        if denied := check_community_admin(info, community):
            return denied
        declared = None if kinds is None else [code(k) for k in dict.fromkeys(kinds)]
        call = info.context.run(graph_settings.set_team_kinds, community, team, declared)
        return await answer(
            call, lambda found: TeamKindsPayload(team=found[0], kinds=[ServiceKind(k.value) for k in found[1]])
        )
