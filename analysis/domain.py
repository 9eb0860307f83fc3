"""The domain's vocabulary and rules, defined once for every layer.

The codes of roles, leader posts, care kinds, grid service roles, statuses and
place kinds live here, with their Chinese names, and so do the rules every
layer applies the same way: a person's age on a day, whether a relationship is
active on a day, the day someone must be born by to be of an age, and the
order in which people expect places (``9`` before ``10``). This module is at
the bottom of the layer contract (``api → schema | loaders → graph →
analysis``), so every package imports it and none repeats it.

The codes are `enum.StrEnum` members: each is also the plain string stored in
Neo4j, written in the ledger and served in JSON.

>>> Role.GRID_LEADER == "grid_leader", CareKind("family").zh
(True, '家属')
>>> sorted(["10", "9", "2a", "东"], key=place_key)
['9', '10', '2a', '东']
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "ELDER_AGE",
    "CARE_KINDS",
    "LEADER_ROLES",
    "REMOVAL_REASONS",
    "SCOPE_KINDS",
    "SERVICE_ROLES",
    "CareKind",
    "PlaceKind",
    "Post",
    "ResidentStatus",
    "Role",
    "ServiceRole",
    "CADENCE",
    "CareTier",
    "VisitMode",
    "VisitOutcome",
    "AccountKind",
    "Asker",
    "EightZero",
    "Escalation",
    "MatterChannel",
    "MatterKind",
    "MatterStatus",
    "MovementKind",
    "RequestStatus",
    "Satisfaction",
    "ServiceKind",
    "SERVICE_KINDS",
    "age_on",
    "as_of_date",
    "born_by",
    "clock",
    "due_on",
    "local_day",
    "now",
    "overdue_on",
    "rule_tier",
    "zone",
    "is_active",
    "kind_of_role",
    "place_key",
    "role_of_kind",
    "today",
]


class Role(StrEnum):
    """Who a caller of the service is (the role of an API token), and the three leaders (三长)."""

    ADMIN = "admin"
    STAFF = "staff"
    GRID_LEADER = "grid_leader"
    BUILDING_LEADER = "building_leader"
    UNIT_LEADER = "unit_leader"
    VOLUNTEER = "volunteer"

    @property
    def zh(self) -> str:
        return _ROLE_ZH[self]

    @property
    def is_leader(self) -> bool:
        return self in LEADER_ROLES


class PlaceKind(StrEnum):
    """The places of a community below it, outermost first."""

    GRID = "grid"
    BUILDING = "building"
    UNIT = "unit"
    HOUSEHOLD = "household"

    @property
    def zh(self) -> str:
        return _PLACE_ZH[self]


class Post(StrEnum):
    """AB posts (AB岗): the primary holder and the backup of a leader post."""

    A = "A"
    B = "B"


class CareKind(StrEnum):
    """Kinds of care relationship (``CARES_FOR {kind}``)."""

    RESPONSIBILITY = "responsibility"
    FAMILY = "family"
    VOLUNTEER = "volunteer"
    NEIGHBOUR = "neighbour"

    @property
    def zh(self) -> str:
        return _CARE_ZH[self]


class ServiceRole(StrEnum):
    """The eight grid service roles (网格服务员) every grid fills."""

    SECURITY_PATROLLER = "security_patroller"
    ENVIRONMENT_KEEPER = "environment_keeper"
    DISPUTE_MEDIATOR = "dispute_mediator"
    NEIGHBOUR_WATCHER = "neighbour_watcher"
    LIFE_ADVISER = "life_adviser"
    POLITICAL_PUBLICIST = "political_publicist"
    SCIENCE_COMMUNICATOR = "science_communicator"
    CULTURE_SPORTS_ORGANISER = "culture_sports_organiser"

    @property
    def zh(self) -> str:
        return _SERVICE_ZH[self]


class ResidentStatus(StrEnum):
    """Whether a resident still lives in the community; their history stays either way."""

    ACTIVE = "active"
    MOVED_OUT = "moved_out"
    DECEASED = "deceased"


#: The age from which a resident counts as an elder, unless an analysis is told otherwise.
ELDER_AGE = 60


class VisitMode(StrEnum):
    """How a visit (探访) was made."""

    HOME = "home"
    PHONE = "phone"
    VIDEO = "video"

    @property
    def zh(self) -> str:
        return _MODE_ZH[self]


class VisitOutcome(StrEnum):
    """How a visit went. ``not_home`` is an attempt, not a contact; every other outcome is a contact."""

    OK = "ok"
    NEEDS_HELP = "needs_help"
    NOT_HOME = "not_home"
    HOSPITAL = "hospital"
    EMERGENCY = "emergency"

    @property
    def zh(self) -> str:
        return _OUTCOME_ZH[self]

    @property
    def is_contact(self) -> bool:
        """Whether somebody actually saw (or spoke to) the elder."""
        return self is not VisitOutcome.NOT_HOME

    @property
    def alerts(self) -> bool:
        """Whether the visit calls for someone to act now (subscribers of care alerts hear of it)."""
        return self in (VisitOutcome.NEEDS_HELP, VisitOutcome.EMERGENCY)


class CareTier(StrEnum):
    """The tiers of the visiting programme (关爱等级) of elders in special difficulty; ``none`` is outside it."""

    HIGH = "high"
    KEY = "key"
    GENERAL = "general"
    NONE = "none"

    @property
    def zh(self) -> str:
        return _TIER_ZH[self]


LEADER_ROLES: tuple[Role, ...] = (Role.GRID_LEADER, Role.BUILDING_LEADER, Role.UNIT_LEADER)
SCOPE_KINDS: tuple[PlaceKind, ...] = (PlaceKind.GRID, PlaceKind.BUILDING, PlaceKind.UNIT)
CARE_KINDS: tuple[CareKind, ...] = tuple(CareKind)
SERVICE_ROLES: tuple[ServiceRole, ...] = tuple(ServiceRole)
REMOVAL_REASONS: tuple[ResidentStatus, ...] = (ResidentStatus.MOVED_OUT, ResidentStatus.DECEASED)

_ROLE_ZH = {
    Role.ADMIN: "管理员",
    Role.STAFF: "社区工作人员",
    Role.GRID_LEADER: "网格长",
    Role.BUILDING_LEADER: "楼栋长",
    Role.UNIT_LEADER: "单元长",
    Role.VOLUNTEER: "志愿者",
}
_PLACE_ZH = {PlaceKind.GRID: "网格", PlaceKind.BUILDING: "楼栋", PlaceKind.UNIT: "单元", PlaceKind.HOUSEHOLD: "户"}
_CARE_ZH = {
    CareKind.RESPONSIBILITY: "包保",
    CareKind.FAMILY: "家属",
    CareKind.VOLUNTEER: "志愿者",
    CareKind.NEIGHBOUR: "邻居",
}
_SERVICE_ZH = {
    ServiceRole.SECURITY_PATROLLER: "治安巡逻员",
    ServiceRole.ENVIRONMENT_KEEPER: "环境美洁员",
    ServiceRole.DISPUTE_MEDIATOR: "矛盾调处员",
    ServiceRole.NEIGHBOUR_WATCHER: "邻里守望员",
    ServiceRole.LIFE_ADVISER: "生活指导员",
    ServiceRole.POLITICAL_PUBLICIST: "政治教育宣传员",
    ServiceRole.SCIENCE_COMMUNICATOR: "科学知识传播员",
    ServiceRole.CULTURE_SPORTS_ORGANISER: "文体活动组织员",
}
_MODE_ZH = {VisitMode.HOME: "上门", VisitMode.PHONE: "电话", VisitMode.VIDEO: "视频"}
_OUTCOME_ZH = {
    VisitOutcome.OK: "正常",
    VisitOutcome.NEEDS_HELP: "需要帮助",
    VisitOutcome.NOT_HOME: "不在家",
    VisitOutcome.HOSPITAL: "住院",
    VisitOutcome.EMERGENCY: "紧急",
}
_TIER_ZH = {CareTier.HIGH: "高风险", CareTier.KEY: "重点", CareTier.GENERAL: "一般", CareTier.NONE: "无"}
#: Days between two contacts of an elder of each tier: weekly, monthly, quarterly (national guidance, 2022).
CADENCE: Mapping[CareTier, int] = {CareTier.HIGH: 7, CareTier.KEY: 30, CareTier.GENERAL: 90}
#: The tiers in the programme, most urgent first.
PROGRAMME: tuple[CareTier, ...] = (CareTier.HIGH, CareTier.KEY, CareTier.GENERAL)
OLD_AGE = 80  # from this age an elder living alone or with elders only is high-risk

_ROLE_OF_KIND = dict(zip(SCOPE_KINDS, LEADER_ROLES, strict=True))
_KIND_OF_ROLE = {role: kind for kind, role in _ROLE_OF_KIND.items()}


def role_of_kind(kind: str) -> Role:
    """The leader role of a grid, building or unit.

    >>> role_of_kind("unit")
    <Role.UNIT_LEADER: 'unit_leader'>
    """
    return _ROLE_OF_KIND[PlaceKind(kind)]


def kind_of_role(role: str) -> PlaceKind:
    """The kind of place a leader role leads.

    >>> kind_of_role("building_leader")
    <PlaceKind.BUILDING: 'building'>
    """
    return _KIND_OF_ROLE[Role(role)]


DEFAULT_ZONE = "Asia/Shanghai"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The community's time zone: its days are the days of the service (``GRIDCARE_TIMEZONE``, default
    Asia/Shanghai), whatever the server's clock zone is."""
    return _zone(os.environ.get("GRIDCARE_TIMEZONE") or DEFAULT_ZONE)


def _utc_now() -> datetime:
    return datetime.now(UTC)


#: Where gridcare reads the time: every "now" and "today" of the service comes from here,
#: so a test (or a reproducible report) pins it in one place. It returns an aware datetime.
clock: Callable[[], datetime] = _utc_now


def now() -> datetime:
    """This moment, timezone-aware (`clock`)."""
    return clock()


def local_day(moment: datetime) -> date:
    """The community's day of an aware moment (a visit at 23:30 UTC is the next day in Changchun).

    >>> local_day(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    datetime.date(2026, 12, 1)
    """
    return moment.astimezone(zone()).date()


def today() -> date:
    """The day the service works on when the caller names none: the community's day now (`clock`, `zone`)."""
    return local_day(now())


def as_of_date(as_of: date | str | None = None) -> date:
    """``as_of`` as a date: `today` if None, parsed if an ISO string.

    >>> as_of_date("2024-06-01")
    datetime.date(2024, 6, 1)
    """
    if as_of is None:
        return today()
    return date.fromisoformat(as_of) if isinstance(as_of, str) else as_of


def age_on(birth_date: date, day: date) -> int:
    """The age in completed years on ``day`` of someone born on ``birth_date``.

    One turns a year older on the birthday; someone born on 29 February turns
    a year older on 1 March in years without that day.

    >>> age_on(date(1964, 6, 1), date(2024, 6, 1))
    60
    >>> age_on(date(1964, 2, 29), date(2025, 2, 28)), age_on(date(1964, 2, 29), date(2025, 3, 1))
    (60, 61)
    """
    before = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before


def born_by(day: date, age: int) -> date:
    """The latest birth date of someone aged ``age`` or more on ``day`` (`age_on` agrees).

    >>> born_by(date(2024, 6, 1), 60), born_by(date(2025, 2, 28), 60)
    (datetime.date(1964, 6, 1), datetime.date(1965, 2, 28))
    """
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February in a year without it: born on 1 March is not yet of age
        return day.replace(year=day.year - age, day=28)


def is_active(since: date | None, until: date | None, day: date) -> bool:
    """Whether a relationship from ``since`` to ``until`` (None: open) holds on ``day``.

    It is active unless ``until`` is before ``day``; one whose ``since`` is after
    ``day`` has not begun and is not active yet.

    >>> d = date(2024, 6, 1)
    >>> is_active(None, d, d), is_active(None, date(2024, 5, 31), d), is_active(date(2024, 6, 2), None, d)
    (True, False, False)
    """
    return (since is None or since <= day) and (until is None or until >= day)


_DIGITS = re.compile(r"(\d+)")
PlaceSortKey = tuple[int, int, tuple[tuple[int, int, str], ...]]


def place_key(label: str | None) -> PlaceSortKey:
    """The order people expect of place labels: none first, numbers as numbers, then text.

    Text is compared with its runs of digits as numbers, so ``A9`` comes before ``A10``.

    >>> sorted(["10", "9", "东", "2a", "A10", "A9", "①", None], key=place_key)
    [None, '9', '10', '2a', 'A9', 'A10', '①', '东']
    """
    if label is None:
        return (0, 0, ())
    if label.isdecimal():
        return (1, int(label), ())
    parts = _DIGITS.split(label)
    return (2, 0, tuple((0, int(p), "") if p.isdecimal() else (1, 0, p) for p in parts))


def rule_tier(age: int, lives_alone: bool, elders_only: bool, elder_age: int = ELDER_AGE) -> CareTier | None:
    """The tier the default rule gives an elder, from what the ledger can see; None: outside the programme.

    High: aged 80+ and living alone or in a household of elders only (独居/空巢); general: a younger elder
    living so. Conditions the ledger does not record (disabled, dementia, severe illness, special families)
    are set explicitly, and an explicit tier wins over this rule.

    >>> rule_tier(85, True, False), rule_tier(72, False, True), rule_tier(90, False, False), rule_tier(59, True, True)
    (<CareTier.HIGH: 'high'>, <CareTier.GENERAL: 'general'>, None, None)
    """
    if age < elder_age or not (lives_alone or elders_only):
        return None
    return CareTier.HIGH if age >= OLD_AGE else CareTier.GENERAL


def due_on(last_contact: date | None, cadence: int) -> date | None:
    """The last day a contact is on time after ``last_contact`` (None: never contacted, due at once).

    >>> due_on(date(2026, 11, 1), 7)
    datetime.date(2026, 11, 8)
    """
    return None if last_contact is None else last_contact + timedelta(days=cadence)


def overdue_on(last_contact: date | None, cadence: int, day: date) -> bool:
    """Whether an elder in the programme is overdue on ``day``: no contact on or before it, or the last one
    more than ``cadence`` days before (a contact exactly one cadence ago is on time).

    >>> d = date(2026, 11, 8)
    >>> overdue_on(date(2026, 11, 1), 7, d), overdue_on(date(2026, 10, 31), 7, d), overdue_on(None, 7, d)
    (False, True, True)
    """
    due = due_on(last_contact, cadence)
    return due is None or due < day


# --- home services (六送), residents' matters, points (积分) ------------------------------------------------------


class ServiceKind(StrEnum):
    """The kinds of help brought to an elder's door: the six deliveries (六送) and anything else."""

    HAIRCUT = "haircut"
    BATHING = "bathing"
    MEALS = "meals"
    MEDICINE = "medicine"
    HOUSEKEEPING = "housekeeping"
    ERRANDS = "errands"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return _KIND_ZH[self]


class RequestStatus(StrEnum):
    """Where a home-service request stands: ``requested → accepted → done | cancelled``, or ``expired`` when nobody
    accepted it within its wanted window."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DONE = "done"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def zh(self) -> str:
        return _REQUEST_ZH[self]

    @property
    def is_open(self) -> bool:
        """Still waiting for someone to accept it or to do it."""
        return self in (RequestStatus.REQUESTED, RequestStatus.ACCEPTED)


class Asker(StrEnum):
    """Who asked for a request on the elder's behalf (most elders have no smartphone)."""

    SELF = "self"
    FAMILY = "family"
    LEADER = "leader"
    OFFICE = "office"
    NEIGHBOUR = "neighbour"

    @property
    def zh(self) -> str:
        return _ASKER_ZH[self]


class MatterKind(StrEnum):
    """What a resident brings to a "people's talk point" (百姓说事点) or a leader."""

    DISPUTE = "dispute"
    REPAIR = "repair"
    COMPLAINT = "complaint"
    ADVICE = "advice"

    @property
    def zh(self) -> str:
        return _MATTER_ZH[self]


class MatterStatus(StrEnum):
    """Where a matter stands: ``reported → assigned → handled → closed``."""

    REPORTED = "reported"
    ASSIGNED = "assigned"
    HANDLED = "handled"
    CLOSED = "closed"

    @property
    def zh(self) -> str:
        return _MATTER_STATUS_ZH[self]

    @property
    def is_waiting(self) -> bool:
        """Nobody has handled it yet: the time it waits counts towards escalation."""
        return self in (MatterStatus.REPORTED, MatterStatus.ASSIGNED)


class MatterChannel(StrEnum):
    """Where a matter was raised."""

    TALK_POINT = "talk_point"
    WATCH_POST = "watch_post"
    LEADER = "leader"
    OFFICE = "office"

    @property
    def zh(self) -> str:
        return _CHANNEL_ZH[self]


class Satisfaction(StrEnum):
    """The resident's satisfaction, asked when a matter is closed."""

    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"

    @property
    def zh(self) -> str:
        return _SATISFACTION_ZH[self]


class Escalation(StrEnum):
    """How far up a matter that waits too long has gone: to the grid leader (网格长), then to the community office."""

    NONE = "none"
    GRID = "grid"
    OFFICE = "office"

    @property
    def zh(self) -> str:
        return _ESCALATION_ZH[self]


class EightZero(StrEnum):
    """The "eight zeros" (八零) a community aims at every year; a matter may be marked as one of them."""

    PETITION = "petition"
    DRUGS = "drugs"
    CRIME = "crime"
    DROPOUT = "dropout"
    PUBLIC_SECURITY = "public_security"
    JOBLESS_FAMILY = "jobless_family"
    ESCALATED_CONFLICT = "escalated_conflict"
    DOMESTIC_VIOLENCE = "domestic_violence"

    @property
    def zh(self) -> str:
        return _EIGHT_ZERO_ZH[self]


class AccountKind(StrEnum):
    """Accounts of the points ledger: a resident's, the community's pool (which issues points), the gift shelf."""

    RESIDENT = "resident"
    POOL = "pool"
    SHELF = "shelf"

    @property
    def zh(self) -> str:
        return _ACCOUNT_ZH[self]


class MovementKind(StrEnum):
    """Why points moved: earned for a request done, a contact visit, a patrol shift or a good deed; spent on a gift;
    or a reversal of an earlier movement."""

    REQUEST = "request"
    VISIT = "visit"
    PATROL = "patrol"
    GOOD_DEED = "good_deed"
    REDEMPTION = "redemption"
    REVERSAL = "reversal"

    @property
    def zh(self) -> str:
        return _MOVEMENT_ZH[self]

    @property
    def earns(self) -> bool:
        """Points issued by the pool to a resident."""
        return self in (MovementKind.REQUEST, MovementKind.VISIT, MovementKind.PATROL, MovementKind.GOOD_DEED)


SERVICE_KINDS: tuple[ServiceKind, ...] = tuple(ServiceKind)
SIX_DELIVERIES: tuple[ServiceKind, ...] = SERVICE_KINDS[:6]
_KIND_ZH = {
    ServiceKind.HAIRCUT: "理发",
    ServiceKind.BATHING: "洗澡",
    ServiceKind.MEALS: "配餐",
    ServiceKind.MEDICINE: "医药",
    ServiceKind.HOUSEKEEPING: "家政",
    ServiceKind.ERRANDS: "代办",
    ServiceKind.OTHER: "其他",
}
_REQUEST_ZH = {
    RequestStatus.REQUESTED: "待接单",
    RequestStatus.ACCEPTED: "已接单",
    RequestStatus.DONE: "已完成",
    RequestStatus.CANCELLED: "已取消",
    RequestStatus.EXPIRED: "已过期",
}
_ASKER_ZH = {
    Asker.SELF: "本人",
    Asker.FAMILY: "家属",
    Asker.LEADER: "三长代办",
    Asker.OFFICE: "社区代办",
    Asker.NEIGHBOUR: "邻居",
}
_MATTER_ZH = {
    MatterKind.DISPUTE: "纠纷",
    MatterKind.REPAIR: "报修",
    MatterKind.COMPLAINT: "投诉",
    MatterKind.ADVICE: "咨询",
}
_MATTER_STATUS_ZH = {
    MatterStatus.REPORTED: "已登记",
    MatterStatus.ASSIGNED: "已分派",
    MatterStatus.HANDLED: "已处理",
    MatterStatus.CLOSED: "已办结",
}
_CHANNEL_ZH = {
    MatterChannel.TALK_POINT: "百姓说事点",
    MatterChannel.WATCH_POST: "邻里守望哨",
    MatterChannel.LEADER: "三长反映",
    MatterChannel.OFFICE: "社区受理",
}
_SATISFACTION_ZH = {
    Satisfaction.SATISFIED: "满意",
    Satisfaction.NEUTRAL: "基本满意",
    Satisfaction.DISSATISFIED: "不满意",
}
_ESCALATION_ZH = {Escalation.NONE: "未升级", Escalation.GRID: "升级至网格长", Escalation.OFFICE: "升级至社区"}
_EIGHT_ZERO_ZH = {
    EightZero.PETITION: "信访",
    EightZero.DRUGS: "吸毒",
    EightZero.CRIME: "刑事案件",
    EightZero.DROPOUT: "辍学",
    EightZero.PUBLIC_SECURITY: "治安案件",
    EightZero.JOBLESS_FAMILY: "零就业家庭",
    EightZero.ESCALATED_CONFLICT: "矛盾激化",
    EightZero.DOMESTIC_VIOLENCE: "家庭暴力",
}
_ACCOUNT_ZH = {AccountKind.RESIDENT: "个人积分", AccountKind.POOL: "社区积分池", AccountKind.SHELF: "兑换货架"}
_MOVEMENT_ZH = {
    MovementKind.REQUEST: "上门服务",
    MovementKind.VISIT: "探访",
    MovementKind.PATROL: "巡逻",
    MovementKind.GOOD_DEED: "好人好事",
    MovementKind.REDEMPTION: "兑换礼品",
    MovementKind.REVERSAL: "冲正",
}
