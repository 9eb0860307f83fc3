"""Stable global ids of graph nodes.

Every node's ``id`` is unique per label across all communities, and every node
also carries ``community``. Ids are paths under the community's name so that a
person reading one knows what it names (``长山花园社区/b/5/u/2``).
"""

import hashlib


def community_id(community: str) -> str:
    return community


def grid_id(community: str, grid: str) -> str:
    return f"{community}/g/{grid}"


def building_id(community: str, building: str) -> str:
    return f"{community}/b/{building}"


def unit_id(community: str, building: str, unit: str) -> str:
    return f"{community}/b/{building}/u/{unit}"


def household_id(community: str, building: str, unit: str, room: str) -> str:
    return f"{community}/b/{building}/u/{unit}/h/{room}"


def resident_id(community: str, local_id: str) -> str:
    return f"{community}/r/{local_id}"


def team_id(community: str, team: str) -> str:
    return f"{community}/t/{team}"


def committee_id(community: str) -> str:
    return f"{community}/pc"


def branch_id(community: str, grid: str) -> str:
    return f"{community}/pb/{grid}"


def party_group_id(community: str, group: str) -> str:
    return f"{community}/pg/{group}"


def imported_visit_id(community: str, resident: str, at: str, visitor: str | None, mode: str, outcome: str) -> str:
    """The id of a visit read from a ledger: the same row gives the same id, so importing it again stores it
    once (a visit recorded through the API has a random id)."""
    key = "\x1f".join((community, resident, at, visitor or "", mode, outcome))
    return "i" + hashlib.sha256(key.encode()).hexdigest()[:23]
