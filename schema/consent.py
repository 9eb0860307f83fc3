"""Per-resident consents (PIPL 单独同意) over GraphQL: `Resident.consent` and `setConsent`.

Health notes are sensitive personal information that need separate consent;
the anti-wandering QR finder page shows the family contact, medical alerts and
the address only as the resident (or their guardian) agreed. Consents live on
the resident (`graph.consent`), so a change applies at once, also to QR codes
already printed. Only admins and staff of the resident's community record them.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from graph import consent as graph_consent
from schema.changes import run_change
from schema.context import Context
from schema.people import Resident
from schema.policy import CONSENTS, only
from schema.results import Conflict, Invalid, NotFound

Arg = strawberry.argument


@strawberry.type(description="What a resident (or their guardian) consented to (PIPL 单独同意).")
class Consent:
    health: bool | None = strawberry.field(
        description="Consented to their health notes (健康状况) being recorded; null: not recorded. While "
        "false no health notes are kept."
    )
    qr_show_contact: bool = strawberry.field(
        description="The QR finder page may show the family contact's name and phone (default true)."
    )
    qr_show_medical: bool = strawberry.field(
        description="The QR finder page may show the health notes as a medical alert (default false)."
    )
    qr_show_address: bool = strawberry.field(
        description="The QR finder page may show building, unit and room (default false)."
    )

    @classmethod
    def from_record(cls, c: graph_consent.Consent) -> Consent:
        return cls(
            health=c.health,
            qr_show_contact=c.qr_show_contact,
            qr_show_medical=c.qr_show_medical,
            qr_show_address=c.qr_show_address,
        )


@strawberry.input(description="Consents to record for a resident; leave a flag out to keep it.")
class SetConsentInput:
    resident_id: strawberry.ID = strawberry.field(description="The resident's stable id.")
    health: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Consent to recording health notes; false withdraws it and deletes their notes at once; "
        "null: back to not recorded.",
    )
    qr_show_contact: bool | None = strawberry.field(
        default=strawberry.UNSET, description="The QR finder page may show the family contact."
    )
    qr_show_medical: bool | None = strawberry.field(
        default=strawberry.UNSET, description="The QR finder page may show the health notes as a medical alert."
    )
    qr_show_address: bool | None = strawberry.field(
        default=strawberry.UNSET, description="The QR finder page may show building, unit and room."
    )

    def changes(self) -> dict[str, bool | None]:
        """The flags given, by their API names (`graph.consent.PROPS`)."""
        given = {
            "health": self.health,
            "qrShowContact": self.qr_show_contact,
            "qrShowMedical": self.qr_show_medical,
            "qrShowAddress": self.qr_show_address,
        }
        return {name: value for name, value in given.items() if value is not strawberry.UNSET}


@strawberry.type(description="A resident's consents after the change.")
class ConsentPayload:
    resident: Resident = strawberry.field(description="The resident; `consent` holds what is recorded now.")
    health_notes_deleted: bool = strawberry.field(
        description="Whether their health notes were deleted because health consent was withdrawn."
    )


ConsentResult = Annotated[
    ConsentPayload | NotFound | Invalid | Conflict,
    strawberry.union("ConsentResult", description="ConsentPayload, or why nothing was changed."),
]


def _loader(info: Info[Context, None]) -> DataLoader:
    """The request's loader of consents by resident id: one round trip per level of a query."""
    return info.context.loaders.consent()


async def consent_of(info: Info[Context, None], resident_id: str) -> Consent:
    """`Resident.consent`: the resident's consents as they apply (defaults for what is unstated)."""
    return Consent.from_record(await _loader(info).load(resident_id))


@strawberry.type
class ConsentMutation:
    @strawberry.mutation(
        extensions=only(CONSENTS),
        description="Record a resident's consents (admins and staff of their community). "
        "Withdrawing health consent deletes their health notes in the same "
        "transaction; QR finder pages follow the new consents at once.",
    )
    async def set_consent(
        self,
        info: Info[Context, None],
        input: Annotated[SetConsentInput, Arg(description="Whose consents, and the flags to change.")],
    ) -> ConsentResult:
        def payload(change: graph_consent.ConsentChange) -> ConsentPayload:
            _loader(info).prime(change.resident.id, change.consent, force=True)
            return ConsentPayload(
                resident=Resident.from_record(change.resident), health_notes_deleted=change.health_notes_deleted
            )

        return await run_change(
            info,
            payload,
            graph_consent.set_consent,
            str(input.resident_id),
            input.changes(),
            residents=(input.resident_id,),
        )
