"""Moving a resident to another household, and removing one who moved out or died.

A removal keeps the resident and their history: the node stays, with
``status`` and ``leftOn``; so does their last ``LIVES_IN``, and their ended care
relationships (``until`` set). Only their leader posts are taken away, and
reported, since a post must be held by someone who is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import neo4j

from analysis.domain import REMOVAL_REASONS
from graph import ids
from graph.errors import Conflict
from graph.models import CareRecord, PostRecord, ResidentRecord, care_from_row, post_from_row
from graph.mutations import cypher as Q
from graph.mutations.common import load_active, not_future, one_of, record, require, today
from graph.mutations.people import Address, check_address, checked_address, ensure_household
from graph.store import Store, counted, counted_one


@dataclass(frozen=True)
class Removal:
    """A resident as removed, the care relationships this ended and the posts it vacated."""

    resident: ResidentRecord
    ended_care: tuple[CareRecord, ...] = ()
    vacated_posts: tuple[PostRecord, ...] = ()


def move_resident(store: Store, resident_id: str, to: Address, *, on: date | None = None) -> ResidentRecord:
    """Move an active resident to ``to`` in their community, from ``on`` (default today).

    The new ``LIVES_IN`` carries ``since: on``; the old one is removed and the old
    household kept. Flags such as ``livesAlone`` are left to `update_resident`;
    leader posts are kept. `Conflict` if they already live there.
    """
    day = not_future(on or today(), "on")
    where = checked_address(to, "to")

    def work(tx: neo4j.ManagedTransaction) -> ResidentRecord:
        resident = load_active(tx, resident_id)
        check_address(tx, resident.community, where, "to")
        target = ids.household_id(resident.community, where.building, where.unit, where.room)
        if resident.household_id == target:
            raise Conflict(f"resident {resident_id!r} already lives in {target!r}")
        hid = ensure_household(tx, resident.community, where)
        row = counted_one(tx, "move_resident", Q.MOVE_IN, id=resident_id, household=hid, on=day)
        return record(row)

    return store.transaction(work)


def remove_resident(store: Store, resident_id: str, *, reason: str, on: date) -> Removal:
    """Mark an active resident ``moved_out`` or ``deceased`` on ``on`` (not in the future).

    Their care relationships, both ways, that had not ended by ``on`` now end on
    ``on``; their leader posts are vacated. Nothing else is deleted.
    """
    one_of(reason, REMOVAL_REASONS, "reason")
    day = not_future(on, "on")

    def work(tx: neo4j.ManagedTransaction) -> Removal:
        resident = load_active(tx, resident_id)
        require(day >= resident.birth_date, "on", f"{day.isoformat()} is before the resident was born")
        care = counted(tx, "end_all_care", Q.END_ALL_CARE, id=resident_id, on=day)
        ended = tuple(care_from_row(row) for row in care)
        vacated = tuple(post_from_row(row) for row in counted(tx, "drop_posts", Q.DROP_POSTS, id=resident_id))
        row = counted_one(tx, "remove_resident", Q.MARK_REMOVED, id=resident_id, status=reason, on=day)
        return Removal(record(row), ended, vacated)

    return store.transaction(work)
