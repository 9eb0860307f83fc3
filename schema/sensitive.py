"""Sensitive fields of residents, and the access log of their reads.

Health notes and emergency contacts are served to admins, to staff of the
resident's community, and to the resident's own leaders and active caregivers:
a leader's or volunteer's token reaches exactly those people (`schema.policy`),
and the resident themselves. Anyone else gets null, and nothing is logged for
them. Every served read is logged (who, whose, which fields, when, the request
id) in the same transaction that reads it (`graph.sensitive`). The log itself
is for staff and admins only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from graph.sensitive import Reader, access_log
from schema.context import Context
from schema.policy import StaffOfCommunity, only
from schema.results import user_error

MAX_LOG = 500


def reader(info: Info[Context, None]) -> Reader:
    p = info.context.principal
    return Reader(
        actor=p.name, role=p.role or "anonymous", token_id=p.token_id, request_id=info.context.request_id or "-"
    )


async def _sensitive(root: Any, info: Info[Context, None], field: str):
    if not await info.context.access.sees_resident(str(root.id), root.community_id):
        return None
    return await info.context.loaders.sensitive(reader(info)).load((str(root.id), field))


@strawberry.type(description="Whom to call for a resident: family who may live elsewhere (紧急联系人).")
class EmergencyContact:
    name: str | None = strawberry.field(description="The contact's name.")
    phone: str | None = strawberry.field(description="The contact's phone number (紧急联系电话).")


async def health_notes(root: strawberry.Parent[Any], info: Info[Context, None]) -> str | None:
    found = await _sensitive(root, info, "healthNotes")
    return found.health_notes if found else None


async def emergency_contact(root: strawberry.Parent[Any], info: Info[Context, None]) -> EmergencyContact | None:
    found = await _sensitive(root, info, "emergencyContact")
    if not found or not (found.contact_name or found.contact_phone):
        return None
    return EmergencyContact(name=found.contact_name, phone=found.contact_phone)


@strawberry.type(description="One read of a resident's sensitive fields.")
class AccessLogEntry:
    at: datetime = strawberry.field(description="When (UTC).")
    resident_id: strawberry.ID = strawberry.field(description="Stable id of the resident whose data was read.")
    fields: list[str] = strawberry.field(description="Which sensitive fields were read.")
    actor: str = strawberry.field(description="Who read: the token's label or id.")
    actor_role: str = strawberry.field(description="The reader's role.")
    token_id: str | None = strawberry.field(description="The id of the token used.")
    request_id: str = strawberry.field(description="The request id (X-Request-ID) of the read.")


@strawberry.type
class AccessLogQuery:
    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description=f"Reads of sensitive data in a community, newest first (at most {MAX_LOG}); "
        "staff of that community and admins only.",
    )
    async def access_log(
        self,
        info: Info[Context, None],
        community: Annotated[str, strawberry.argument(description="The community's name.")],
        resident_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only the reads of this resident (stable id).")
        ] = None,
        first: Annotated[int, strawberry.argument(description=f"How many entries, 1 to {MAX_LOG}.")] = 100,
    ) -> list[AccessLogEntry]:
        if not 1 <= first <= MAX_LOG:
            raise user_error(f"first must be between 1 and {MAX_LOG}, got {first}")
        rows = await info.context.run(
            access_log, community, resident=str(resident_id) if resident_id else None, limit=first
        )
        return [
            AccessLogEntry(
                at=a.at,
                resident_id=strawberry.ID(a.resident),
                fields=list(a.fields),
                actor=a.actor,
                actor_role=a.actor_role,
                token_id=a.token_id,
                request_id=a.request_id,
            )
            for a in rows
        ]
