"""Dispatch: who could take an open home-service request, best first, with the reason.

A candidate is a member of a volunteer team that declares at least one kind of
home service (a team's declared kinds, else the words of its name:
`analysis.services.team_kinds_by_name`). They are ranked by

1. skills: members of a team that does the request's kind come first;
2. distance, in the tiers of ``gridcare suggest`` (`analysis.self_pairs.pair_cost`):
   the elder's own unit 1, building 2, grid 3, elsewhere in the community 4;
3. open work: the requests they have accepted and not yet done, and the matters
   assigned to them and not yet handled — least first;
4. then the resident id, so the order is stable.

Nobody is suggested for their own request: not the elder, not whoever asked.

>>> elder = ("1", "5", "2")
>>> people = [
...     Candidate("r/9", "王芳", ("1", "6", "1"), (("助老服务队", frozenset({ServiceKind.BATHING})),), 0),
...     Candidate("r/3", "李强", ("1", "5", "2"), (("理发服务队", frozenset({ServiceKind.HAIRCUT})),), 2),
...     Candidate("r/4", "赵敏", ("1", "5", "1"), (("助老服务队", frozenset({ServiceKind.BATHING})),), 1),
... ]
>>> [(s.resident_id, s.fits, s.proximity, s.reason) for s in rank_providers("bathing", elder, people)]
... # doctest: +NORMALIZE_WHITESPACE
[('r/4', True, 'building', '助老服务队 · 同楼栋 · 手头 1 件'),
 ('r/9', True, 'grid', '助老服务队 · 同网格 · 手头没有未完成的事'),
 ('r/3', False, 'unit', '理发服务队（不做洗澡） · 同单元 · 手头 2 件')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analysis.domain import ServiceKind
from analysis.self_pairs import pair_cost

__all__ = ["Candidate", "Suggestion", "rank_providers", "PROXIMITY"]

#: The distance tiers of `gridcare suggest`, by cost.
PROXIMITY = {1: "unit", 2: "building", 3: "grid", 4: "community"}
_PROXIMITY_ZH = {1: "同单元", 2: "同楼栋", 3: "同网格", 4: "本社区"}


@dataclass(frozen=True)
class Candidate:
    """A member of service teams: where they live (grid, building, unit labels up to the first unknown), their
    teams with the kinds each does, and their open work."""

    resident_id: str
    name: str
    hub: tuple[str, ...]
    teams: tuple[tuple[str, frozenset[ServiceKind]], ...]
    open_work: int


@dataclass(frozen=True)
class Suggestion:
    """One ranked candidate: whether their skills fit, how near they live, their open work, and why (Chinese)."""

    resident_id: str
    name: str
    team: str | None
    fits: bool
    proximity: str
    cost: int
    open_work: int
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _reason(kind: ServiceKind, team: str | None, fits: bool, cost: int, open_work: int) -> str:
    who = team or "志愿者"
    if not fits:
        who += f"（不做{kind.zh}）"
    work = f"手头 {open_work} 件" if open_work else "手头没有未完成的事"
    return f"{who} · {_PROXIMITY_ZH[cost]} · {work}"


def rank_providers(
    kind: str, elder_hub: tuple[str, ...], candidates: Iterable[Candidate], exclude: Iterable[str] = ()
) -> list[Suggestion]:
    """Every candidate but those excluded, best first (skills, distance, open work, id), each with the reason."""
    wanted, left_out = ServiceKind(kind), set(exclude)
    out: list[tuple[tuple[bool, int, int, str], Suggestion]] = []
    for c in candidates:
        if c.resident_id in left_out:
            continue
        fitting = [name for name, kinds in c.teams if wanted in kinds]
        fits = bool(fitting)
        named = fitting or [name for name, _ in c.teams]
        team = named[0] if named else None
        cost = pair_cost(elder_hub, c.hub)
        reason = _reason(wanted, team, fits, cost, c.open_work)
        suggestion = Suggestion(c.resident_id, c.name, team, fits, PROXIMITY[cost], cost, c.open_work, reason)
        out.append(((not fits, cost, c.open_work, c.resident_id), suggestion))
    return [s for _, s in sorted(out, key=lambda pair: pair[0])]
