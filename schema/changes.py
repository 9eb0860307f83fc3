"""How every mutation runs: the access policy's check of its family, then one transaction, failures typed.

A mutation resolver calls `run_change` with the repository function (`graph.mutations`,
`graph.consent`, `graph.qr`), its arguments, and what it touches: the community, the
residents, the place, the address someone moves into. `schema.policy.check_change`
answers first (an out-of-reach target is answered as a missing one); then the function
runs off the event loop, and an expected failure it raises (`graph.errors.NotFound`,
`Invalid`, `Conflict`) becomes the typed member of the mutation's result union.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from strawberry.types import Info

from graph.mutations import Address
from graph.visits import NewVisit
from schema.policy import check_change, check_withdrawal, visit_as
from schema.results import answer


async def run_change(
    info: Info,
    payload: Callable[[Any], Any],
    fn: Callable[..., Any],
    *args: Any,
    community: str | None = None,
    residents: Sequence[object] = (),
    place: tuple[str, str] | None = None,
    moving_to: Address | None = None,
    **kwargs: Any,
) -> Any:
    """Run one mutation for the caller: the policy's check of the targets first, then the transaction.

    ``place``: (kind, id) of the place changed (a post's scope); ``moving_to``: an address someone is
    registered or moved into, in the community of ``community`` or of the first resident.
    """
    denied = await check_change(info, community, tuple(str(r) for r in residents), place, moving_to)
    return denied or await answer(info.context.run(fn, *args, **kwargs), payload)


async def run_visit_change(
    info: Info,
    payload: Callable[[Any], Any],
    fn: Callable[..., Any],
    *args: Any,
    visit: NewVisit | None = None,
    withdrawing: str | None = None,
) -> Any:
    """Record (``visit``) or withdraw (``withdrawing``: its id) a visit for the caller: the policy's check of the
    family first (`schema.policy.visit_as`, `check_withdrawal`), then the transaction."""
    if visit is not None:
        allowed = await visit_as(info, visit)
        if not isinstance(allowed, NewVisit):
            return allowed
        args = (allowed, *args[1:])
    if withdrawing is not None and (denied := await check_withdrawal(info, withdrawing)):
        return denied
    return await answer(info.context.run(fn, *args), payload)
