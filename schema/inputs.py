"""Input types of the mutations, and their translation to the graph layer's records."""

from __future__ import annotations

from datetime import date

import strawberry

from graph import mutations as m
from schema.enums import CareKind, LeaderRole, Post, code


@strawberry.input(description="Where a household is: grid, building, unit and room, as the ledger writes them.")
class AddressInput:
    grid: str = strawberry.field(description="Grid number (`3`).")
    building: str = strawberry.field(description="Building number (`5`).")
    unit: str = strawberry.field(description="Unit number within the building (`2`).")
    room: str = strawberry.field(description="Room number (`301`); a new room creates its household.")

    def to_graph(self) -> m.Address:
        return m.Address(grid=self.grid, building=self.building, unit=self.unit, room=self.room)


@strawberry.input(description="A new resident.")
class RegisterResidentInput:
    community: str = strawberry.field(description="The community's name.")
    resident_id: str | None = strawberry.field(
        default=None,
        description="The ledger id (居民编号), unique in the community, chosen by staff; left out, one is "
        "generated. Leaders leave it out: ids are the office's.",
    )
    name: str = strawberry.field(description="Name (姓名).")
    birth_date: date = strawberry.field(description="Date of birth; not in the future.")
    address: AddressInput = strawberry.field(description="Where they live.")
    gender: str | None = strawberry.field(default=None, description="`F` or `M`.")
    phone: str | None = strawberry.field(default=None, description="Phone number.")
    lives_alone: bool = strawberry.field(default=False, description="Lives alone (独居).")
    party_member: bool = strawberry.field(default=False, description="Party member (党员).")

    def to_graph(self) -> m.NewResident:
        return m.NewResident(
            resident_id=self.resident_id,
            name=self.name,
            birth_date=self.birth_date,
            address=self.address.to_graph(),
            gender=self.gender,
            phone=self.phone,
            lives_alone=self.lives_alone,
            party_member=self.party_member,
        )


_CLEARABLE = ("gender", "phone", "care_capacity")


@strawberry.input(description="Changes to a resident; leave a field out to keep it, set null to clear it.")
class UpdateResidentInput:
    id: strawberry.ID = strawberry.field(description="The resident's stable id.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    birth_date: date | None = strawberry.field(default=strawberry.UNSET, description="Corrected date of birth.")
    gender: str | None = strawberry.field(default=strawberry.UNSET, description="`F`, `M`, or null to clear.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="Phone number, or null to clear.")
    lives_alone: bool | None = strawberry.field(default=strawberry.UNSET, description="Lives alone (独居).")
    party_member: bool | None = strawberry.field(default=strawberry.UNSET, description="Party member (党员).")
    care_capacity: int | None = strawberry.field(
        default=strawberry.UNSET, description="How many people they can care for, or null to clear."
    )

    def to_graph(self) -> m.ResidentChanges:
        names = ("name", "birth_date", "gender", "phone", "lives_alone", "party_member", "care_capacity")
        given = {n: getattr(self, n) for n in names if getattr(self, n) is not strawberry.UNSET}
        clear = frozenset(n for n in _CLEARABLE if n in given and given[n] is None)
        return m.ResidentChanges(**{k: v for k, v in given.items() if v is not None}, clear=clear)


@strawberry.input(description="A care relationship to add.")
class AddCareInput:
    caregiver_id: strawberry.ID = strawberry.field(description="Stable id of the person giving care.")
    recipient_id: strawberry.ID = strawberry.field(description="Stable id of the person cared for.")
    kind: CareKind = strawberry.field(default=CareKind.RESPONSIBILITY, description="Kind; default 包保.")
    since: date | None = strawberry.field(default=None, description="Start date.")
    until: date | None = strawberry.field(default=None, description="Planned end date.")


@strawberry.input(description="A leader post: its role, where, and A or B.")
class PostInput:
    community: str = strawberry.field(description="The community's name.")
    role: LeaderRole = strawberry.field(description="Grid, building or unit leader.")
    grid: str | None = strawberry.field(default=None, description="Grid number, for a grid leader.")
    building: str | None = strawberry.field(default=None, description="Building number, for building and unit leaders.")
    unit: str | None = strawberry.field(default=None, description="Unit number within the building, for a unit leader.")
    post: Post = strawberry.field(default=Post.A, description="A (primary, default) or B (backup).")

    def scope(self) -> m.Scope:
        return m.Scope(
            community=self.community, role=code(self.role), grid=self.grid, building=self.building, unit=self.unit
        )
