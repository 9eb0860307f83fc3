"""The write steps of the ledger's ``services`` sheet: home services already delivered, kept as requests done.

Each row becomes a `(:ServiceRequest)` in status ``done`` (``source: 'ledger'``)
with one `(:CaseEvent)` (action ``import``), both with ids derived from what the
row says, so that importing the same ledger again changes nothing. Where the
elder lived is the residents sheet's. With earning rules (``gridcare import
--earn-points``), each service with a provider pays them the community's points
for its kind and duration, under the key a completion through the API would
use: the ledger's movements are double entries like any other, and the touched
accounts' balances are summed again from their movements.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from typing import Any

from analysis.domain import AccountKind, Asker, MovementKind, RequestStatus, ServiceKind
from analysis.services import PointsRules
from graph import ids
from graph.cases import moment
from graph.imports import cypher as Q
from graph.imports.write import Step
from graph.points import account_id, own_key, pool_id
from loaders.model import Resident, ServiceDone

IMPORTER = "ledger import"  # who the events say recorded the history


def request_id(s: ServiceDone) -> str:
    """A service's id, from what its row says."""
    said = "|".join(map(str, (s.resident_id, s.kind, s.served_on.isoformat(), s.provider_id, s.team, s.minutes)))
    return f"{s.community}/sr/ledger-{hashlib.sha256(said.encode()).hexdigest()[:20]}"


def services_steps(
    community: str, services: list[ServiceDone], residents: list[Resident], points: PointsRules | None
) -> list[Step]:
    """The steps writing the services of one community (and their points, with ``points``)."""
    homes = {r.resident_id: r for r in residents}
    rows = [_row(s, homes.get(s.resident_id), points) for s in services]
    steps: list[Step] = [(Q.SERVICES, rows)]
    if points is not None:
        earned = [_movement(community, row) for row in rows if row["props"].get("points")]
        accounts = {m["pool"] for m in earned} | {m["account"] for m in earned}
        steps += [(Q.SERVICE_POINTS, earned), (Q.SERVICE_BALANCES, [{"account": a} for a in sorted(accounts)])]
    return steps


def _row(s: ServiceDone, home: Resident | None, points: PointsRules | None) -> dict[str, Any]:
    c, rid = s.community, request_id(s)
    served = s.served_on
    local = served if isinstance(served, datetime) else datetime.combine(served, time(12))  # a day alone: noon
    at = moment(local, "served_on")
    provider = ids.resident_id(c, s.provider_id) if s.provider_id else None
    team = ids.team_id(c, s.team) if s.team else None
    earned = points.for_request(s.kind, s.minutes) if points is not None and provider else 0
    props = {
        "community": c,
        "kind": s.kind,
        "resident": ids.resident_id(c, s.resident_id),
        "grid": home.grid if home else None,
        "building": home.building if home else None,
        "unit": home.unit if home else None,
        "asker": Asker.OFFICE.value,
        "wantedFrom": at,
        "wantedUntil": at,
        "expiresAt": at,
        "requestedAt": at,
        "recordedAt": at,
        "doneAt": at,
        "status": RequestStatus.DONE.value,
        "statusAt": at,
        "provider": provider,
        "team": team,
        "minutes": s.minutes,
        "points": earned or None,
        "source": "ledger",
        "seq": 1,
    }
    event = {
        "id": f"{rid}/e1",
        "community": c,
        "case": rid,
        "caseKind": "request",
        "seq": 1,
        "to": RequestStatus.DONE.value,
        "action": "import",
        "at": at,
        "recordedAt": at,
        "by": IMPORTER,
        "byRole": "import",
        "provider": provider,
        "team": team,
        "minutes": s.minutes,
    }
    return {"id": rid, "resident": props["resident"], "props": props, "event": event, "team": team, "teamName": s.team}


def _movement(community: str, row: dict[str, Any]) -> dict[str, Any]:
    p = row["props"]
    provider, at = p["provider"], p["doneAt"]
    key = own_key(community, "request", row["id"])
    why = f"{ServiceKind(p['kind']).zh}服务" + (f" {p['minutes']} 分钟" if p["minutes"] else "") + "（台账导入）"
    return {
        "pool": pool_id(community),
        "poolKind": AccountKind.POOL.value,
        "account": account_id(provider),
        "accountKind": AccountKind.RESIDENT.value,
        "resident": provider,
        "key": key,
        "props": {
            "id": f"{community}/pm/ledger-{hashlib.sha256(key.encode()).hexdigest()[:20]}",
            "community": community,
            "at": at,
            "day": at.date(),
            "year": at.year,
            "kind": MovementKind.REQUEST.value,
            "amount": p["points"],
            "debit": pool_id(community),
            "credit": account_id(provider),
            "resident": provider,
            "why": why,
            "ref": row["id"],
            "key": key,
            "by": IMPORTER,
            "byRole": "import",
        },
    }
