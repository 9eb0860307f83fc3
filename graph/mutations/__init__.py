"""The write side of the API: changing a community's network, one transaction each.

Every function takes the `graph.store.Store` first and resident GLOBAL ids
(``graph.ids.resident_id``). Expected failures are raised, with nothing
written, as `graph.errors.NotFound` (``.kind``, ``.id``), `graph.errors.Invalid`
(``.field`` as the API spells it, ``.reason``) or `graph.errors.Conflict`
(``.reason``); the GraphQL layer turns them into typed results.
"""

from graph import ids
from graph.errors import Invalid
from graph.mutations.common import get_resident
from graph.mutations.links import Membership, add_care, add_care_many, end_care, join_team, leave_team
from graph.mutations.moves import Removal, move_resident, remove_resident
from graph.mutations.people import (
    Address,
    NewResident,
    ResidentChanges,
    checked_address,
    register_resident,
    update_resident,
)
from graph.mutations.posts import Assignment, Scope, Vacancy, assign_post, scope_id, vacate_post

__all__ = [
    "Address",
    "Assignment",
    "Membership",
    "NewResident",
    "Removal",
    "ResidentChanges",
    "Scope",
    "Vacancy",
    "add_care",
    "add_care_many",
    "assign_post",
    "end_care",
    "get_resident",
    "join_team",
    "leave_team",
    "move_resident",
    "register_resident",
    "remove_resident",
    "update_resident",
    "vacate_post",
    "place_of_address",
    "place_of_post",
]


def place_of_address(community: str, address: Address) -> tuple[str, str] | None:
    """(kind, id) of the unit an address lies in; None if the address is malformed (the
    mutation itself then refuses it with `Invalid`)."""
    try:
        a = checked_address(address, "address")
    except Invalid:
        return None
    return "unit", ids.unit_id(community, a.building, a.unit)


def place_of_post(scope: Scope) -> tuple[str, str] | None:
    """(kind, id) of the grid, building or unit a post leads; None if the scope is malformed."""
    try:
        return scope.role.removesuffix("_leader"), scope_id(scope)
    except Invalid:
        return None
