"""Anti-wandering QR codes (防走失二维码) over GraphQL: issue, rotate, revoke, and the scans."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from graph import qr
from schema.changes import run_change
from schema.context import Context
from schema.policy import QR_CODES, StaffOfCommunity, only
from schema.results import Conflict, Invalid, NotFound, user_error

Arg = strawberry.argument
MAX_SCANS = 500


@strawberry.type(description="A new QR code: the token is shown once, to be printed on the elder's card.")
class QrCodePayload:
    token: str = strawberry.field(description="128 random bits, unrelated to any id; the old code is dead.")
    path: str = strawberry.field(description="The finder's page, `/qr/<token>`, to encode in the QR image.")


@strawberry.type(description="A revoked QR code.")
class QrRevoked:
    resident_id: strawberry.ID = strawberry.field(description="Whose code was revoked.")


@strawberry.type(description="One scan of a QR code by a finder.")
class QrScan:
    at: datetime = strawberry.field(description="When (UTC).")
    resident_id: strawberry.ID = strawberry.field(description="Whose code was scanned.")
    client: str = strawberry.field(description="A keyed hash of the finder's address (not the address).")


QrResult = Annotated[
    QrCodePayload | NotFound | Invalid | Conflict,
    strawberry.union("QrResult", description="The new code, or why none was issued."),
]
QrRevokeResult = Annotated[
    QrRevoked | NotFound | Invalid | Conflict, strawberry.union("QrRevokeResult", description="Done, or why not.")
]


# Codes are issued and revoked by the community office: a new code kills the printed card, and its page
# serves the elder's contact, so nobody else may make one (`schema.policy.QR_CODES`).
@strawberry.type
class QrMutation:
    @strawberry.mutation(
        extensions=only(QR_CODES),
        description="Issue (or rotate) a resident's QR code (staff and admins); the previous "
        "code stops working at once. What the finder's page shows follows the resident's `consent` "
        "(`setConsent`), read at every scan.",
    )
    async def issue_qr_code(
        self,
        info: Info[Context, None],
        resident_id: Annotated[strawberry.ID, Arg(description="The elder's stable id.")],
    ) -> QrResult:
        token = secrets.token_urlsafe(16)
        digest = hmac.new(info.context.secret_key, token.encode(), hashlib.sha256).hexdigest()
        return await run_change(
            info,
            lambda _: QrCodePayload(token=token, path=f"/qr/{token}"),
            qr.issue_qr,
            str(resident_id),
            digest,
            residents=(resident_id,),
        )

    @strawberry.mutation(
        extensions=only(QR_CODES),
        description="Revoke a resident's QR code (moved out, died, card lost); staff and admins.",
    )
    async def revoke_qr_code(
        self,
        info: Info[Context, None],
        resident_id: Annotated[strawberry.ID, Arg(description="The elder's stable id.")],
    ) -> QrRevokeResult:
        return await run_change(
            info, lambda _: QrRevoked(resident_id=resident_id), qr.revoke_qr, str(resident_id), residents=(resident_id,)
        )


@strawberry.type
class QrQuery:
    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description=f"Recent scans of the community's QR codes, newest first (at most {MAX_SCANS}); "
        "staff of that community and admins only.",
    )
    async def qr_scans(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        first: Annotated[int, Arg(description=f"How many, 1 to {MAX_SCANS}.")] = 100,
    ) -> list[QrScan]:
        if not 1 <= first <= MAX_SCANS:
            raise user_error(f"first must be between 1 and {MAX_SCANS}, got {first}")
        rows = await info.context.run(qr.scans, community, first)
        return [
            QrScan(at=s["at"].to_native(), resident_id=strawberry.ID(s["resident"]), client=s["client"]) for s in rows
        ]
