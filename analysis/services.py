"""The rules of home services, matters and points: one case lifecycle, expiry, escalation, earning.

A *request* (a home service asked for an elder) and a *matter* (a resident's
dispute, repair, complaint or question) are cases: each change of their status
is a transition, allowed only along the arrows of `REQUEST_MOVES` and
`MATTER_MOVES`; anything else is refused and changes nothing. A request that
nobody accepts by the end of its wanted window is ``expired`` from that moment
(`effective_status`): every read computes it, and a sweep records the
transition. A matter that waits (nobody has handled it yet) goes up to the
grid leader after ``escalate_grid_hours``, then to the community office after
``escalate_office_hours`` (`escalation_of`).

The community's settings (`ServiceSettings`) hold these thresholds, the earning
rules of red-vest points (`PointsRules`), which "eight zeros" it tracks and
whether the will registry's audit lists elders to offer it to. Everything here
is pure: the store keeps the settings as JSON (`settings_from_json`).

>>> REQUEST_MOVES[RequestStatus.REQUESTED]
(<RequestStatus.ACCEPTED: 'accepted'>, <RequestStatus.CANCELLED: 'cancelled'>, <RequestStatus.EXPIRED: 'expired'>)
>>> DEFAULT_SETTINGS.points.for_request(ServiceKind.BATHING, 90)
23
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from analysis.domain import (
    SERVICE_KINDS,
    SIX_DELIVERIES,
    EightZero,
    Escalation,
    MatterStatus,
    RequestStatus,
    ServiceKind,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "MATTER_MOVES",
    "REQUEST_MOVES",
    "PointsRules",
    "ServiceSettings",
    "effective_status",
    "escalation_of",
    "escalation_moments",
    "may_move",
    "settings_from_json",
    "settings_to_json",
    "team_kinds_by_name",
]

#: The transitions of a request: from a status, the statuses it may move to.
REQUEST_MOVES: Mapping[RequestStatus, tuple[RequestStatus, ...]] = {
    RequestStatus.REQUESTED: (RequestStatus.ACCEPTED, RequestStatus.CANCELLED, RequestStatus.EXPIRED),
    RequestStatus.ACCEPTED: (RequestStatus.DONE, RequestStatus.CANCELLED),
}
#: The transitions of a matter; an assigned matter may be assigned again (to someone else).
MATTER_MOVES: Mapping[MatterStatus, tuple[MatterStatus, ...]] = {
    MatterStatus.REPORTED: (MatterStatus.ASSIGNED,),
    MatterStatus.ASSIGNED: (MatterStatus.ASSIGNED, MatterStatus.HANDLED),
    MatterStatus.HANDLED: (MatterStatus.CLOSED,),
}


def may_move(status: str, to: str) -> bool:
    """Whether a case in ``status`` may move to ``to`` (a request's or a matter's statuses).

    >>> may_move("cancelled", "done"), may_move("accepted", "done"), may_move("reported", "closed")
    (False, True, False)
    """
    if status in RequestStatus.__members__.values() and to in RequestStatus.__members__.values():
        return RequestStatus(to) in REQUEST_MOVES.get(RequestStatus(status), ())
    if status in MatterStatus.__members__.values() and to in MatterStatus.__members__.values():
        return MatterStatus(to) in MATTER_MOVES.get(MatterStatus(status), ())
    return False


def effective_status(status: str, expires_at: datetime | None, now: datetime) -> RequestStatus:
    """A request's status at ``now``: ``expired`` once its deadline has passed with nobody accepting it, even
    before the sweep records it.

    >>> from datetime import UTC
    >>> t = datetime(2026, 11, 3, 18, tzinfo=UTC)
    >>> effective_status("requested", t, t), effective_status("requested", t, t + timedelta(seconds=1))
    (<RequestStatus.REQUESTED: 'requested'>, <RequestStatus.EXPIRED: 'expired'>)
    >>> effective_status("accepted", t, t + timedelta(days=9))
    <RequestStatus.ACCEPTED: 'accepted'>
    """
    found = RequestStatus(status)
    if found is RequestStatus.REQUESTED and expires_at is not None and now > expires_at:
        return RequestStatus.EXPIRED
    return found


@dataclass(frozen=True)
class PointsRules:
    """What earns red-vest points (积分) in a community.

    A request done earns ``request_base[kind]`` plus ``per_hour`` pro rata of its duration (counted in quarter
    hours, the points rounded down); a contact visit earns ``visit`` (an attempt, nobody at home, earns nothing); a
    patrol shift ``patrol_per_hour`` per hour; a good deed whatever staff give it, at most ``good_deed_max``.
    """

    request_base: Mapping[ServiceKind, int] = field(
        default_factory=lambda: {
            ServiceKind.HAIRCUT: 5,
            ServiceKind.BATHING: 8,
            ServiceKind.MEALS: 3,
            ServiceKind.MEDICINE: 3,
            ServiceKind.HOUSEKEEPING: 6,
            ServiceKind.ERRANDS: 3,
            ServiceKind.OTHER: 3,
        }
    )
    per_hour: int = 10
    visit: int = 2
    patrol_per_hour: int = 4
    good_deed_max: int = 50

    def for_request(self, kind: str, minutes: int | None) -> int:
        """Points for a request of ``kind`` done in ``minutes`` (None: its base only).

        >>> PointsRules().for_request("haircut", 30), PointsRules().for_request("meals", None)
        (10, 3)
        """
        quarters = round((minutes or 0) / 15)
        return self.request_base.get(ServiceKind(kind), 0) + math.floor(self.per_hour * quarters / 4)

    def for_patrol(self, hours: float) -> int:
        """Points for a patrol shift of ``hours``, rounded down.

        >>> PointsRules().for_patrol(3)
        12
        """
        return math.floor(self.patrol_per_hour * hours)


@dataclass(frozen=True)
class ServiceSettings:
    """A community's settings of home services, matters, points and the will registry."""

    points: PointsRules = field(default_factory=PointsRules)
    window_hours: int = 72  # a request asked without an end of its window waits this long for someone to accept it
    escalate_grid_hours: int = 48  # a waiting matter goes to the grid leader after this long
    escalate_office_hours: int = 120  # … and to the community office after this long
    eight_zeros: tuple[EightZero, ...] = tuple(EightZero)  # the kinds the year view counts
    will_offers: bool = False  # whether the will registry lists solitary elders to offer it to
    will_offer_age: int = 75


DEFAULT_SETTINGS = ServiceSettings()


def settings_to_json(s: ServiceSettings) -> str:
    """The settings as the store keeps them (`settings_from_json` reads them back).

    >>> settings_from_json(settings_to_json(DEFAULT_SETTINGS)) == DEFAULT_SETTINGS
    True
    """
    p = s.points
    return json.dumps(
        {
            "points": {
                "request_base": {str(k): v for k, v in p.request_base.items()},
                "per_hour": p.per_hour,
                "visit": p.visit,
                "patrol_per_hour": p.patrol_per_hour,
                "good_deed_max": p.good_deed_max,
            },
            "window_hours": s.window_hours,
            "escalate_grid_hours": s.escalate_grid_hours,
            "escalate_office_hours": s.escalate_office_hours,
            "eight_zeros": [str(e) for e in s.eight_zeros],
            "will_offers": s.will_offers,
            "will_offer_age": s.will_offer_age,
        },
        sort_keys=True,
    )


def settings_from_json(text: str | None) -> ServiceSettings:
    """Settings from the store's JSON; what it leaves out keeps its default (None: all defaults).

    >>> settings_from_json('{"points": {"visit": 3}, "will_offers": true}').points.visit
    3
    """
    if not text:
        return DEFAULT_SETTINGS
    raw: dict[str, Any] = json.loads(text)
    d, points = DEFAULT_SETTINGS, raw.get("points", {})
    base = {**d.points.request_base, **{ServiceKind(k): int(v) for k, v in points.get("request_base", {}).items()}}
    rules = PointsRules(
        request_base={k: base[k] for k in SERVICE_KINDS},
        **{k: int(points.get(k, getattr(d.points, k))) for k in ("per_hour", "visit", "patrol_per_hour")},
        good_deed_max=int(points.get("good_deed_max", d.points.good_deed_max)),
    )
    zeros = tuple(EightZero(e) for e in raw["eight_zeros"]) if "eight_zeros" in raw else d.eight_zeros
    return replace(
        d,
        points=rules,
        eight_zeros=zeros,
        **{
            k: type(getattr(d, k))(raw[k])
            for k in ("window_hours", "escalate_grid_hours", "escalate_office_hours", "will_offers", "will_offer_age")
            if k in raw
        },
    )


def check_settings(s: ServiceSettings) -> list[tuple[str, str]]:
    """What is wrong with settings, as (field, reason) pairs; [] when they may be kept.

    >>> check_settings(replace(DEFAULT_SETTINGS, escalate_office_hours=24))
    [('escalateOfficeHours', 'must be more than escalateGridHours (48)')]
    """
    problems: list[tuple[str, str]] = []
    p = s.points
    for kind, points in p.request_base.items():
        if not 0 <= points <= 1000:
            problems.append(("requestPoints", f"{kind}: {points} is not between 0 and 1000"))
    for name, value, top in (
        ("perHour", p.per_hour, 1000),
        ("visit", p.visit, 1000),
        ("patrolPerHour", p.patrol_per_hour, 1000),
        ("goodDeedMax", p.good_deed_max, 10_000),
    ):
        if not 0 <= value <= top:
            problems.append((name, f"{value} is not between 0 and {top}"))
    if not 1 <= s.window_hours <= 24 * 90:
        problems.append(("windowHours", f"{s.window_hours} is not between 1 and {24 * 90}"))
    if not 1 <= s.escalate_grid_hours <= 24 * 90:
        problems.append(("escalateGridHours", f"{s.escalate_grid_hours} is not between 1 and {24 * 90}"))
    if s.escalate_office_hours <= s.escalate_grid_hours:
        problems.append(("escalateOfficeHours", f"must be more than escalateGridHours ({s.escalate_grid_hours})"))
    elif s.escalate_office_hours > 24 * 180:
        problems.append(("escalateOfficeHours", f"{s.escalate_office_hours} is more than {24 * 180}"))
    if not 60 <= s.will_offer_age <= 120:
        problems.append(("willOfferAge", f"{s.will_offer_age} is not between 60 and 120"))
    return problems


def escalation_moments(reported_at: datetime, s: ServiceSettings = DEFAULT_SETTINGS) -> dict[Escalation, datetime]:
    """When a matter reported at ``reported_at`` goes to the grid leader and to the office if still waiting."""
    return {
        Escalation.GRID: reported_at + timedelta(hours=s.escalate_grid_hours),
        Escalation.OFFICE: reported_at + timedelta(hours=s.escalate_office_hours),
    }


def escalation_of(
    reported_at: datetime, handled_at: datetime | None, now: datetime, s: ServiceSettings = DEFAULT_SETTINGS
) -> Escalation:
    """How far a matter has gone up at ``now``: it waited from ``reported_at`` until ``handled_at`` (None: still
    waiting), and each threshold it waited past moved it up one level; handling it stops the climb.

    >>> from datetime import UTC
    >>> t = datetime(2026, 11, 2, 9, tzinfo=UTC)
    >>> escalation_of(t, None, t + timedelta(hours=47)), escalation_of(t, None, t + timedelta(hours=49))
    (<Escalation.NONE: 'none'>, <Escalation.GRID: 'grid'>)
    >>> escalation_of(t, t + timedelta(hours=50), t + timedelta(days=30))
    <Escalation.GRID: 'grid'>
    """
    until = min(handled_at, now) if handled_at is not None else now
    moments = escalation_moments(reported_at, s)
    if until > moments[Escalation.OFFICE]:
        return Escalation.OFFICE
    return Escalation.GRID if until > moments[Escalation.GRID] else Escalation.NONE


#: Words in a team's name that say which kinds of home service it does, when it has not declared them.
_TEAM_WORDS: tuple[tuple[str, tuple[ServiceKind, ...]], ...] = (
    ("助老", SIX_DELIVERIES),
    ("为老", SIX_DELIVERIES),
    ("养老", SIX_DELIVERIES),
    ("理发", (ServiceKind.HAIRCUT,)),
    ("美发", (ServiceKind.HAIRCUT,)),
    ("洗澡", (ServiceKind.BATHING,)),
    ("助浴", (ServiceKind.BATHING,)),
    ("洗浴", (ServiceKind.BATHING,)),
    ("配餐", (ServiceKind.MEALS,)),
    ("助餐", (ServiceKind.MEALS,)),
    ("送餐", (ServiceKind.MEALS,)),
    ("医", (ServiceKind.MEDICINE,)),
    ("药", (ServiceKind.MEDICINE,)),
    ("健康", (ServiceKind.MEDICINE,)),
    ("家政", (ServiceKind.HOUSEKEEPING,)),
    ("保洁", (ServiceKind.HOUSEKEEPING,)),
    ("清洁", (ServiceKind.HOUSEKEEPING,)),
    ("代办", (ServiceKind.ERRANDS,)),
    ("跑腿", (ServiceKind.ERRANDS,)),
    ("维修", (ServiceKind.OTHER,)),
)


def team_kinds_by_name(name: str) -> tuple[ServiceKind, ...]:
    """The kinds of home service a team does by the words of its name, in the domain's order ('' none).

    >>> team_kinds_by_name("理发服务队"), team_kinds_by_name("巡逻队")
    ((<ServiceKind.HAIRCUT: 'haircut'>,), ())
    >>> len(team_kinds_by_name("助老服务队"))
    6
    """
    found = {kind for word, kinds in _TEAM_WORDS if word in name for kind in kinds}
    return tuple(k for k in SERVICE_KINDS if k in found)
