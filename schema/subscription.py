"""The root Subscription: notifications of anti-wandering QR scans (防走失二维码) as they happen.

Subscriptions stream over HTTP (`POST /graphql` with ``Accept:
multipart/mixed;subscriptionSpec=1.0``), behind the same bearer-token check,
limits and request id as every other operation. The scans come from the
process's `schema.notify.ScanFeed`; each subscription keeps its own
de-duplication, and shows only the elders its caller may see, re-reading the
caller's reach and checking that the token still stands every `RECHECK`
seconds.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from graph import qr, tokens
from schema.context import Context
from schema.enums import VisitMode, VisitOutcome
from schema.notify import Alert, AlertFeed, BoardFeed, CaseChange, Folder, Scan, ScanFeed
from schema.policy import reads_community, sees_change
from schema.results import user_error

if TYPE_CHECKING:
    from schema.matters import Matter
    from schema.requests import ServiceRequest

RECHECK = 60.0  # seconds between re-reads of a live subscription's reach and token


@strawberry.type(
    description="An elder's anti-wandering QR code (防走失二维码) was scanned: a finder opened "
    "its page, so the elder may have wandered off and been found."
)
class QrScanEvent:
    id: strawberry.ID = strawberry.field(description="The scan's id.")
    at: datetime = strawberry.field(description="When the finder's page was opened (UTC).")
    resident_id: strawberry.ID = strawberry.field(description="The elder's stable id.")
    name: str = strawberry.field(description="The elder's name.")
    community: str = strawberry.field(description="The elder's community.")
    repeats: int = strawberry.field(
        description="Scans of the same elder that gave no event of their own, folded into this one: those "
        "within the de-duplication window (`GRIDCARE_QR_NOTIFY_WINDOW`) after this subscription's "
        "previous event for the elder. 0 for an elder's first event."
    )


@strawberry.type(description="A visit found an elder needing help or in an emergency: someone must act now.")
class CareAlertEvent:
    id: strawberry.ID = strawberry.field(description="The visit's id.")
    at: datetime = strawberry.field(description="When the visit was recorded (UTC).")
    visited_at: datetime = strawberry.field(description="When the visit was made.")
    resident_id: strawberry.ID = strawberry.field(description="The elder's stable id.")
    name: str = strawberry.field(description="The elder's name.")
    community: str = strawberry.field(description="The elder's community.")
    outcome: VisitOutcome = strawberry.field(description="NEEDS_HELP or EMERGENCY.")
    mode: VisitMode = strawberry.field(description="How the visit was made.")


@strawberry.type
class AlertSubscription:
    @strawberry.subscription(
        description="Visits that found an elder needing help (NEEDS_HELP) or in an emergency (EMERGENCY), as they are "
        "recorded, for staff, leaders and volunteers: only the elders the caller may see, every one (no folding), "
        "never the same twice. Streams over HTTP as `qrScanned` does."
    )
    async def care_alerts(
        self,
        info: Info[Context, None],
        community: Annotated[str, strawberry.argument(description="The community's name.")],
    ) -> AsyncGenerator[CareAlertEvent, None]:
        context = info.context
        start = await context.run(qr.watch_start, community) if reads_community(context.principal, community) else None
        if start is None:
            raise user_error(f"no community named {community!r}", "NOT_FOUND")
        feed = context.alert_feed or AlertFeed()
        checked = reach_read = time.monotonic()
        async with feed.watch(context.store, community, start) as inbox:
            while True:
                alerts = await inbox.next(timeout=RECHECK)
                if time.monotonic() - checked >= RECHECK:
                    await _check_token(context)
                    checked = time.monotonic()
                for alert in alerts:
                    fresh = time.monotonic() - reach_read >= RECHECK
                    if fresh:
                        reach_read = time.monotonic()
                    if not isinstance(alert, Alert) or alert.name is None:
                        continue
                    if await context.access.sees_resident(alert.resident, community, fresh=fresh):
                        yield CareAlertEvent(
                            id=strawberry.ID(alert.id),
                            at=alert.at,
                            visited_at=alert.visited_at,
                            resident_id=strawberry.ID(alert.resident),
                            name=alert.name,
                            community=alert.community,
                            outcome=VisitOutcome(alert.outcome),
                            mode=VisitMode(alert.mode),
                        )


@strawberry.type(description="A request or a matter was asked, reported or moved on: the service board's news.")
class CaseChangeEvent:
    id: strawberry.ID = strawberry.field(description="The transition's id.")
    at: datetime = strawberry.field(description="When it was recorded (UTC).")
    case_kind: str = strawberry.field(description="`request` (a home service) or `matter` (百姓说事).")
    case_id: strawberry.ID = strawberry.field(description="The request's or the matter's id.")
    action: str = strawberry.field(
        description="ask, accept, complete, cancel, expire; report, assign, handle, close, escalate."
    )
    status: str = strawberry.field(description="The case's status after it (its code).")
    kind: str | None = strawberry.field(description="The kind of service or of matter (its code).")
    grid: str | None = strawberry.field(description="The grid it belongs to.")
    escalation: str | None = strawberry.field(description="For an escalation: to `grid` (its leader) or `office`.")

    @strawberry.field(description="The request as it is now (null for a matter, or if it is no longer seen).")
    async def request(
        self, info: Info[Context, None]
    ) -> Annotated[ServiceRequest, strawberry.lazy("schema.requests")] | None:
        from schema.requests import request_seen

        return await request_seen(info, str(self.case_id)) if self.case_kind == "request" else None

    @strawberry.field(description="The matter as it is now (null for a request, or if it is no longer seen).")
    async def matter(self, info: Info[Context, None]) -> Annotated[Matter, strawberry.lazy("schema.matters")] | None:
        from schema.matters import matter_seen

        return await matter_seen(info, str(self.case_id)) if self.case_kind == "matter" else None


@strawberry.type
class BoardSubscription:
    @strawberry.subscription(
        description="The service board: requests and matters as they are asked, reported and moved on (accepted, "
        "done, expired, escalated…), for staff (the whole community), leaders (the cases of the people and "
        "places they reach) and volunteers (the open requests of their grid, the cases of the people they "
        "reach, their own work). Streams over HTTP as `qrScanned` does; every transition once."
    )
    async def service_board(
        self,
        info: Info[Context, None],
        community: Annotated[str, strawberry.argument(description="The community's name.")],
    ) -> AsyncGenerator[CaseChangeEvent, None]:
        context = info.context
        start = await context.run(qr.watch_start, community) if reads_community(context.principal, community) else None
        if start is None:
            raise user_error(f"no community named {community!r}", "NOT_FOUND")
        feed = context.board_feed or BoardFeed()
        checked = reach_read = time.monotonic()
        async with feed.watch(context.store, community, start) as inbox:
            while True:
                changes = await inbox.next(timeout=RECHECK)
                if time.monotonic() - checked >= RECHECK:
                    await _check_token(context)
                    checked = time.monotonic()
                for change in changes:
                    if not isinstance(change, CaseChange):
                        continue
                    fresh = time.monotonic() - reach_read >= RECHECK
                    if fresh:
                        reach_read = time.monotonic()
                    if await sees_change(info, change, fresh=fresh):
                        yield CaseChangeEvent(
                            id=strawberry.ID(change.id),
                            at=change.at,
                            case_kind=change.case_kind,
                            case_id=strawberry.ID(change.case),
                            action=change.action,
                            status=change.to,
                            kind=change.kind,
                            grid=change.grid,
                            escalation=change.level,
                        )


@strawberry.type(
    description="Notifications, streamed over HTTP: POST the subscription to /graphql with "
    "`Accept: multipart/mixed;subscriptionSpec=1.0`."
)
class Subscription(AlertSubscription, BoardSubscription):
    @strawberry.subscription(
        description="Scans of the community's elders' QR codes as they happen, for staff, leaders and volunteers: "
        "only the elders the caller may see (staff: the whole community; leaders: their grid, building "
        "or unit; volunteers: the people they care for), one event per elder within the "
        "de-duplication window (later scans are counted in `repeats` of the elder's next event), "
        "never the same scan twice. Only scans recorded after subscribing are sent."
    )
    async def qr_scanned(
        self,
        info: Info[Context, None],
        community: Annotated[str, strawberry.argument(description="The community's name.")],
    ) -> AsyncGenerator[QrScanEvent, None]:
        context = info.context
        start = await context.run(qr.watch_start, community) if reads_community(context.principal, community) else None
        if start is None:
            raise user_error(f"no community named {community!r}", "NOT_FOUND")
        feed = context.qr_feed or ScanFeed()
        folder = Folder(feed.window)
        token_checked = reach_read = time.monotonic()
        async with feed.watch(context.store, community, start) as inbox:
            while True:
                scans = await inbox.next(timeout=RECHECK)
                if time.monotonic() - token_checked >= RECHECK:
                    await _check_token(context)
                    token_checked = time.monotonic()
                for scan in scans:
                    if not isinstance(scan, Scan) or scan.name is None:  # the resident's record is gone
                        continue
                    fresh = time.monotonic() - reach_read >= RECHECK
                    if fresh:
                        reach_read = time.monotonic()
                    if not await context.access.sees_resident(scan.resident, community, fresh=fresh):
                        continue
                    repeats = folder.fold(scan.resident, scan.at)
                    if repeats is not None:
                        yield QrScanEvent(
                            id=strawberry.ID(scan.id),
                            at=scan.at,
                            resident_id=strawberry.ID(scan.resident),
                            name=scan.name,
                            community=scan.community,
                            repeats=repeats,
                        )


async def _check_token(context: Context) -> None:
    """End the stream once its token is revoked or expired (a request would be refused by then)."""
    token_id = context.principal.token_id
    if token_id is not None and not await context.run(tokens.token_active, token_id):
        raise user_error("the token was revoked or has expired: subscribe again with a valid one", "UNAUTHENTICATED")
