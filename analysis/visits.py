"""The visiting programme (关爱探访) in the audit: who is overdue, contact rates, and a leader's day.

Coverage on paper asks whether somebody is *assigned* to an elder; this module asks
whether somebody *saw* them. Definitions (other tools rely on them), on the as-of day D:

- the **elders** are the audit's: residents aged `elder_age` (default 60) or more on
  D. Residents who moved out or died are not in the graph, so not elders;
- an elder's **tier**: their explicit ``care_tier`` when set (``none`` takes them out
  of the programme), else `analysis.domain.rule_tier` of their age on D, their
  ``lives_alone`` flag and whether their household holds **elders only** (every
  resident of it aged `elder_age` or more on D; an elder whose household is not known
  has only the flag). Residents younger than `elder_age` are not in the programme,
  whatever tier they were given;
- **in the programme**: tier ``high``, ``key`` or ``general``. Elders outside it are
  never overdue and not in the rates; the rest of the audit still counts them;
- the **last contact**: the latest of the elder's ``contacts`` on or before D (None:
  none). Contacts after D do not count on D; attempts (``not_home``) and withdrawn
  visits are not contacts (the export leaves them out);
- **due**: the last contact + the tier's cadence (`cadence_of`; None when never
  contacted: due at once). **Overdue** on D: in the programme and due before D, or
  never contacted (`analysis.domain.overdue_on`: a contact exactly one cadence ago is
  on time);
- **contacted in 30 days**: a contact on one of the 30 days ending on D, both ends
  included (D − 29 … D); the **contact rate** of a set of elders in the programme is
  the share of them contacted in 30 days, None when the set is empty;
- **covered but overdue**: an overdue elder whom somebody actively cares for (any
  kind of care, as the audit's coverage).

`visit_audit` is the ``visits`` block of `analysis.audit`; `visits_due` is a leader's
day (``gridcare visits due``, and GraphQL's ``myVisitsDue``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeAlias

from analysis.domain import (
    CADENCE,
    PROGRAMME,
    SCOPE_KINDS,
    CareTier,
    PlaceKind,
    as_of_date,
    due_on,
    is_active,
    overdue_on,
    rule_tier,
)
from analysis.model import Graph
from analysis.view import CommunityView, Row

__all__ = [
    "DUE_WITHIN",
    "MAX_CADENCE",
    "RATE_WINDOW",
    "Cadence",
    "CadenceInput",
    "Caregiver",
    "DueElder",
    "OverdueElder",
    "ProgrammeElder",
    "UnknownInCommunity",
    "VisitAudit",
    "VisitsDue",
    "cadence_of",
    "care_tiers",
    "parse_cadence",
    "parse_scope",
    "programme_elders",
    "visit_audit",
    "visits_due",
]

#: Days between two contacts of each tier of the programme.
Cadence: TypeAlias = Mapping[CareTier, int]
#: A cadence as callers give it: ``{"high": 7}`` or ``{CareTier.HIGH: 7}``, any subset of the programme's tiers.
CadenceInput: TypeAlias = Mapping[str, int] | Mapping[CareTier, int]
#: The days of the contact rate: the 30 days ending on the as-of day, both included.
RATE_WINDOW = 30
#: How many days ahead `visits_due` looks by default: elders due within 3 days of the as-of day are listed.
DUE_WITHIN = 3
#: The longest cadence accepted (days): a year.
MAX_CADENCE = 366
_LABELS = {"grid": ("grid",), "building": ("grid", "building"), "unit": ("grid", "building", "unit")}


class UnknownInCommunity(LookupError):
    """A visitor or a place named to `visits_due` is not in the community's graph."""


def cadence_of(cadence: CadenceInput | None = None) -> dict[CareTier, int]:
    """The cadence of every tier of the programme: `analysis.domain.CADENCE` with ``cadence`` over it.

    Raises ValueError for a tier that is not in the programme or a cadence that is not a whole number of
    days from 1 to `MAX_CADENCE`.

    >>> cadence_of({"key": 14})
    {<CareTier.HIGH: 'high'>: 7, <CareTier.KEY: 'key'>: 14, <CareTier.GENERAL: 'general'>: 90}
    >>> cadence_of({"none": 5})
    Traceback (most recent call last):
    ...
    ValueError: no tier 'none' in the programme: use high, key or general
    """
    result = {tier: CADENCE[tier] for tier in PROGRAMME}
    for name, days in (cadence or {}).items():
        if name not in PROGRAMME:
            raise ValueError(f"no tier {name!r} in the programme: use high, key or general")
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_CADENCE:
            raise ValueError(f"the cadence of {name} must be a whole number of days from 1 to {MAX_CADENCE}")
        result[CareTier(name)] = days
    return result


_PAIR = re.compile(r"\s*([a-z]+)\s*=\s*(\S+?)\s*")


def parse_cadence(text: str) -> dict[CareTier, int]:
    """Parse ``high=7,key=30,general=90`` (any subset) into the cadence of every tier (`cadence_of`).

    Raises ValueError, saying what is wrong, for anything else.

    >>> parse_cadence("high=3")[CareTier.HIGH], parse_cadence("high=3, general=60")[CareTier.GENERAL]
    (3, 60)
    >>> parse_cadence("high=7,high=3")
    Traceback (most recent call last):
    ...
    ValueError: tier high is given twice
    """
    given: dict[str, int] = {}
    for part in text.split(","):
        m = _PAIR.fullmatch(part)
        if not m:
            raise ValueError(f"{part.strip()!r} is not TIER=DAYS (e.g. high=7,key=30,general=90)")
        name, days = m[1], m[2]
        if name in given:
            raise ValueError(f"tier {name} is given twice")
        if not days.isdecimal():
            raise ValueError(f"the cadence of {name} must be a whole number of days, not {days!r}")
        given[name] = int(days)
    return cadence_of(given)


def parse_scope(text: str) -> tuple[PlaceKind, str]:
    """Parse a place as tokens name it: ``grid:3``, ``building:5`` or ``unit:5-2`` (building 5, unit 2).

    >>> parse_scope("unit:5-2")
    (<PlaceKind.UNIT: 'unit'>, '5-2')
    >>> parse_scope("room:301")
    Traceback (most recent call last):
    ...
    ValueError: 'room:301' is not grid:N, building:N or unit:B-U (e.g. building:5, unit:5-2)
    """
    kind, _, label = text.partition(":")
    label = label.strip()
    if kind.strip() not in SCOPE_KINDS or not label or (kind.strip() == "unit" and "-" not in label[1:-1]):
        raise ValueError(f"{text!r} is not grid:N, building:N or unit:B-U (e.g. building:5, unit:5-2)")
    return PlaceKind(kind.strip()), label


@dataclass(frozen=True)
class ProgrammeElder:
    """An elder of the programme on a day, with their contacts (`programme_elders`)."""

    key: str  # the node key
    resident_id: str
    name: str | None
    tier: CareTier
    last_contact: date | None
    due: date | None
    overdue: bool
    contacted_30d: bool


def care_tiers(G: Graph, *, as_of: date | str | None = None, elder_age: int = 60) -> dict[str, CareTier]:
    """Each elder's tier on ``as_of`` (default today), by resident id; ``none``: outside the programme.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> tiers = care_tiers(example_graph(), as_of="2024-06-01")
    >>> {rid: t.value for rid, t in sorted(tiers.items())}
    {'R01': 'general', 'R03': 'high', 'R04': 'high', 'R05': 'high', 'R06': 'general', 'R08': 'general'}
    """
    view, day = CommunityView(G), as_of_date(as_of)
    res = view.nodes["resident"]
    return {res[r]["resident_id"]: tier for r, tier in find_tiers(view, day, elder_age).items()}


def find_tiers(view: CommunityView, as_of: date, elder_age: int) -> dict[str, CareTier]:
    """`care_tiers` on a `CommunityView`, by node key."""
    ages = view.ages(as_of)
    elders_only = {
        h for h, people in view.household_members().items() if all(ages.get(p, -1) >= elder_age for p in people)
    }
    res = view.nodes["resident"]
    tiers: dict[str, CareTier] = {}
    for r, age in ages.items():
        if age < elder_age:
            continue
        d = res[r]
        explicit = d.get("care_tier")
        if explicit is not None:
            tiers[r] = CareTier(explicit)
        else:
            home = view.home.get(r)
            rule = rule_tier(age, bool(d.get("lives_alone")), home in elders_only, elder_age)
            tiers[r] = CareTier.NONE if rule is None else rule
    return tiers


def programme_elders(
    view: CommunityView, as_of: date, elder_age: int = 60, cadence: Cadence = CADENCE
) -> list[ProgrammeElder]:
    """The elders in the programme on ``as_of``, with their last contact, due day and state.

    ``cadence`` must hold every tier of the programme (`cadence_of` makes one).
    """
    if view.contacts_as_of is not None and view.contacts_as_of != as_of:
        raise ValueError(
            f"the graph holds each elder's last contact as of {view.contacts_as_of}: export it as of {as_of} "
            "(graph.export.community_graph(..., as_of=...)) to analyse that day"
        )
    window_start = as_of - timedelta(days=RATE_WINDOW - 1)
    res = view.nodes["resident"]
    result: list[ProgrammeElder] = []
    for r, tier in find_tiers(view, as_of, elder_age).items():
        if tier is CareTier.NONE:
            continue
        d = res[r]
        contacts: tuple[date, ...] = d.get("contacts") or ()
        i = bisect_right(contacts, as_of)
        last = contacts[i - 1] if i else None
        result.append(
            ProgrammeElder(
                r,
                d["resident_id"],
                d.get("name"),
                tier,
                last,
                due_on(last, cadence[tier]),
                overdue_on(last, cadence[tier], as_of),
                last is not None and last >= window_start,
            )
        )
    return result


@dataclass(frozen=True)
class OverdueElder:
    """An elder of the programme not contacted in time."""

    resident_id: str
    name: str | None
    tier: str
    last_contact: date | None
    days_since: int | None
    due: date | None
    caregivers: tuple[str, ...]  # ledger ids of the active caregivers, sorted

    def to_dict(self) -> Row:
        return {
            "resident_id": self.resident_id,
            "name": self.name,
            "tier": self.tier,
            "last_contact": _iso(self.last_contact),
            "days_since": self.days_since,
            "due": _iso(self.due),
            "caregivers": list(self.caregivers),
        }


@dataclass
class VisitAudit:
    """The ``visits`` block of the audit; `to_dict` gives its JSON form."""

    as_of: date
    cadence: dict[CareTier, int]
    in_programme: dict[str, int]  # by tier
    contacted_30d: dict[str, int]  # by tier
    overdue: list[OverdueElder]
    covered_but_overdue: int
    places: dict[str, list[Row]]

    @property
    def contact_rate_30d(self) -> float | None:
        """Share of the elders in the programme contacted in the 30 days ending on the as-of day."""
        return _rate(sum(self.contacted_30d.values()), sum(self.in_programme.values()))

    @property
    def contact_rate_30d_by_tier(self) -> dict[str, float | None]:
        return {t.value: _rate(self.contacted_30d[t], self.in_programme[t]) for t in PROGRAMME}

    def totals(self) -> dict[str, int]:
        """The counts the audit adds to its ``totals``."""
        return {
            "in_programme": sum(self.in_programme.values()),
            "contacted_30d": sum(self.contacted_30d.values()),
            "overdue_visits": len(self.overdue),
            "covered_but_overdue": self.covered_but_overdue,
        }

    def to_dict(self) -> Row:
        return {
            "cadence": {t.value: days for t, days in self.cadence.items()},
            "in_programme": dict(self.in_programme),
            "contacted_30d": dict(self.contacted_30d),
            "contact_rate_30d": self.contact_rate_30d,
            "contact_rate_30d_by_tier": self.contact_rate_30d_by_tier,
            "overdue": [o.to_dict() for o in self.overdue],
            "covered_but_overdue": self.covered_but_overdue,
            "places": self.places,
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def visit_audit(
    G: Graph, *, as_of: date | str | None = None, elder_age: int = 60, cadence: CadenceInput | None = None
) -> VisitAudit:
    """Audit the visiting programme: who is overdue, the contact rates, overdue elders somebody covers.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph (``docs/analysis-graph.md``).
    as_of : date or str, optional
        The day of the audit (default today).
    elder_age : int, optional
        The age from which a resident is an elder (default 60).
    cadence : mapping, optional
        ``{tier: days}`` for any of ``high``, ``key``, ``general``; the others keep
        `analysis.domain.CADENCE` (7, 30, 90).

    Returns
    -------
    VisitAudit
        ``overdue`` is ordered high, key, general; within a tier the never contacted
        first, then most days since the last contact, then resident id. ``places``
        holds, for every grid, building and unit (``{"grids": [...], "buildings":
        [...], "units": [...]}``, in the order and with the labels of the audit's
        ``coverage``), ``in_programme``, ``contacted_30d``, ``overdue`` and
        ``contact_rate_30d``.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> from analysis.model import add_visit
    >>> G = example_graph()
    >>> add_visit(G, "R03", "2024-05-25", "R01")  # 7 days before: on time
    >>> add_visit(G, "R04", "2024-05-24", "R01")  # 8 days before: overdue
    >>> add_visit(G, "R06", "2024-05-03")  # 29 days before: general, on time, within the 30 days
    >>> add_visit(G, "R08", "2024-06-02")  # after the as-of day: does not count
    >>> v = visit_audit(G, as_of="2024-06-01")
    >>> [(o.resident_id, o.tier, o.days_since) for o in v.overdue]
    [('R05', 'high', None), ('R04', 'high', 8), ('R01', 'general', None), ('R08', 'general', None)]
    >>> v.contact_rate_30d, v.contact_rate_30d_by_tier
    (0.5, {'high': 0.6666666666666666, 'key': None, 'general': 0.3333333333333333})
    >>> v.covered_but_overdue  # R04, cared for by R01
    1
    """
    view = CommunityView(G)
    return find_visit_audit(view, as_of_date(as_of), elder_age, cadence_of(cadence))


def find_visit_audit(view: CommunityView, as_of: date, elder_age: int, cadence: Cadence) -> VisitAudit:
    """`visit_audit` on a `CommunityView`."""
    elders = programme_elders(view, as_of, elder_age, cadence)
    cared = view.caregivers(as_of)
    res = view.nodes["resident"]
    overdue: list[OverdueElder] = []
    covered_overdue = 0
    for e in elders:
        if not e.overdue:
            continue
        givers = tuple(sorted(res[c]["resident_id"] for c in cared.get(e.key, ())))
        covered_overdue += bool(givers)
        days = None if e.last_contact is None else (as_of - e.last_contact).days
        overdue.append(OverdueElder(e.resident_id, e.name, e.tier.value, e.last_contact, days, e.due, givers))
    rank = {t.value: i for i, t in enumerate(PROGRAMME)}
    overdue.sort(key=lambda o: (rank[o.tier], o.days_since is not None, -(o.days_since or 0), o.resident_id))
    by_tier: Counter[str] = Counter(e.tier.value for e in elders)
    contacted: Counter[str] = Counter(e.tier.value for e in elders if e.contacted_30d)
    return VisitAudit(
        as_of,
        dict(cadence),
        {t.value: by_tier[t.value] for t in PROGRAMME},
        {t.value: contacted[t.value] for t in PROGRAMME},
        overdue,
        covered_overdue,
        _place_rates(view, elders),
    )


def _place_rates(view: CommunityView, elders: list[ProgrammeElder]) -> dict[str, list[Row]]:
    """For every grid, building and unit: elders in the programme, contacted in 30 days, overdue, the rate."""
    counts: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    chains: dict[str, list[str]] = {}  # household -> its unit, building and grid
    for e in elders:
        home = view.home.get(e.key)
        if home is None:
            continue
        if home not in chains:
            chains[home] = view.ancestors(e.key)[1:]
        for place in chains[home]:
            c = counts[place]
            c[0] += 1
            c[1] += e.contacted_30d
            c[2] += e.overdue
    result: dict[str, list[Row]] = {}
    for kind, names in _LABELS.items():
        rows: list[Row] = []
        for scope in view.sorted_nodes(kind):
            labels = dict(zip(("grid", "building", "unit"), view.labels(scope)))
            in_programme, contacted, overdue = counts.get(scope, (0, 0, 0))
            row: Row = {name: labels[name] for name in names}
            row.update(
                in_programme=in_programme,
                contacted_30d=contacted,
                overdue=overdue,
                contact_rate_30d=_rate(contacted, in_programme),
            )
            rows.append(row)
        result[f"{kind}s"] = rows
    return result


@dataclass(frozen=True)
class Caregiver:
    """Someone who actively cares for an elder: ledger id and name."""

    resident_id: str
    name: str | None

    def to_dict(self) -> Row:
        return {"resident_id": self.resident_id, "name": self.name}


@dataclass(frozen=True)
class DueElder:
    """An elder of the programme due or overdue for a visit."""

    resident_id: str
    name: str | None
    tier: str
    last_contact: date | None
    due: date | None  # None: never contacted, due at once
    days_overdue: int | None  # days since the due day (0: due today; negative: days left); None: never contacted
    overdue: bool
    grid: str | None
    building: str | None
    unit: str | None
    room: str | None
    caregivers: tuple[Caregiver, ...]  # active caregivers, by resident id

    def to_dict(self) -> Row:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["last_contact"], d["due"] = _iso(self.last_contact), _iso(self.due)
        d["caregivers"] = [c.to_dict() for c in self.caregivers]
        return d


@dataclass
class VisitsDue:
    """The elders due or overdue for a visit within someone's reach; `to_dict` gives its JSON form."""

    community: str | None
    as_of: date
    within: int
    visitor: str | None  # the ledger id whose care recipients are listed
    scope: str | None  # the place listed (``building:5``)
    cadence: dict[CareTier, int]
    elders: list[DueElder]

    @property
    def totals(self) -> dict[str, int]:
        overdue = sum(e.overdue for e in self.elders)
        return {"due": len(self.elders), "overdue": overdue, "due_soon": len(self.elders) - overdue}

    def to_dict(self) -> Row:
        return {
            "community": self.community,
            "as_of": self.as_of.isoformat(),
            "within": self.within,
            "visitor": self.visitor,
            "scope": self.scope,
            "cadence": {t.value: days for t, days in self.cadence.items()},
            "totals": self.totals,
            "elders": [e.to_dict() for e in self.elders],
        }


def visits_due(
    G: Graph,
    *,
    as_of: date | str | None = None,
    visitor: str | None = None,
    scope: str | None = None,
    within: int = DUE_WITHIN,
    elder_age: int = 60,
    cadence: CadenceInput | None = None,
) -> VisitsDue:
    """List the elders of the programme who are due or overdue for a visit, nearest first: a leader's day.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph (``docs/analysis-graph.md``).
    as_of : date or str, optional
        The day (default today).
    visitor : str, optional
        A ledger resident id (or the resident's node id, ``社区/r/R1``): list the
        elders this resident actively cares for on ``as_of`` (any kind of care).
    scope : str, optional
        ``grid:3``, ``building:5`` or ``unit:5-2``: list the elders living there.
        With neither ``visitor`` nor ``scope``, the whole community.
    within : int, optional
        Look-ahead in days (default `DUE_WITHIN`, 3): an elder is listed when their due
        day is on or before ``as_of + within``, or they were never contacted.
    elder_age, cadence
        As in `visit_audit`.

    Returns
    -------
    VisitsDue
        ``elders`` nearest first: never contacted, then by due day (the most overdue
        first), then high before key before general, then resident id.

    Raises
    ------
    ValueError
        Both ``visitor`` and ``scope``, a malformed scope, a negative ``within`` or a
        bad cadence.
    UnknownInCommunity
        A visitor or a place the graph does not hold.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> from analysis.model import add_visit
    >>> G = example_graph()
    >>> add_visit(G, "R03", "2024-05-27", "R01")  # due 2024-06-03: within 3 days
    >>> add_visit(G, "R04", "2024-05-31", "R01")  # due 2024-06-07: not yet
    >>> due = visits_due(G, as_of="2024-06-01", visitor="R01")
    >>> [(e.resident_id, e.due, e.days_overdue) for e in due.elders]
    [('R03', datetime.date(2024, 6, 3), -2)]
    >>> [e.resident_id for e in visits_due(G, as_of="2024-06-01", scope="unit:5-2").elders]
    ['R05']
    """
    if visitor is not None and scope is not None:
        raise ValueError("give a visitor or a scope, not both")
    if isinstance(within, bool) or not isinstance(within, int) or within < 0:
        raise ValueError("within must be a whole number of days, 0 or more")
    view, day, cadences = CommunityView(G), as_of_date(as_of), cadence_of(cadence)
    reach = _reach(view, day, visitor, scope)
    horizon = day + timedelta(days=within)
    cared = view.caregivers(day)
    res = view.nodes["resident"]
    listed: list[DueElder] = []
    for e in programme_elders(view, day, elder_age, cadences):
        if (reach is not None and e.key not in reach) or (e.due is not None and e.due > horizon):
            continue
        d = res[e.key]
        givers = sorted(
            (Caregiver(res[c]["resident_id"], res[c].get("name")) for c in cared.get(e.key, ())),
            key=lambda c: c.resident_id,
        )
        listed.append(
            DueElder(
                e.resident_id,
                e.name,
                e.tier.value,
                e.last_contact,
                e.due,
                None if e.due is None else (day - e.due).days,
                e.overdue,
                d.get("grid"),
                d.get("building"),
                d.get("unit"),
                d.get("room"),
                tuple(givers),
            )
        )
    rank = {t.value: i for i, t in enumerate(PROGRAMME)}
    listed.sort(key=lambda e: (e.due is not None, e.due or day, rank[e.tier], e.resident_id))
    label = None if scope is None else ":".join(parse_scope(scope))
    return VisitsDue(view.community, day, within, visitor, label, cadences, listed)


def _reach(view: CommunityView, as_of: date, visitor: str | None, scope: str | None) -> Collection[str] | None:
    """The node keys of the residents a visitor cares for, or living in a scope; None: everyone."""
    if visitor is not None:
        if visitor in view.nodes["resident"]:  # a node key (the store's id) works as well as a ledger id
            key = visitor
        else:
            try:
                key = view.resident_key(visitor)
            except KeyError:
                raise UnknownInCommunity(f"no resident {visitor!r} in {view.community}") from None
        return {v for u, v, d in view.care if u == key and is_active(d.get("since"), d.get("until"), as_of)}
    if scope is not None:
        kind, label = parse_scope(scope)
        places = [n for n in view.nodes[kind] if view.scope_label(n) == label]
        if not places:
            raise UnknownInCommunity(f"no {kind} {label!r} in {view.community}")
        households = {h for p in places for h in view.descendants(p, "household")}
        return {r for r, h in view.home.items() if h in households}
    return None
