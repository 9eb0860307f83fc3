"""The per-request loaders' futures under graphql-core's cancellation of sibling fields."""

from __future__ import annotations

import asyncio

from schema.loaders import SharedLoader


def test_a_cancelled_field_leaves_a_shared_load_to_the_other_fields():
    """graphql-core cancels the siblings of a field that failed; a field of another branch waiting on the same
    key (an alias, the same building reached twice) still gets its value, not a CancelledError."""

    async def run() -> list:
        release = asyncio.Event()

        async def load(keys: list[int]) -> list[int]:
            await release.wait()
            return [k * 10 for k in keys]

        loader = SharedLoader(load_fn=load)

        async def field(key: int) -> int:
            return await loader.load(key)

        cancelled, kept = asyncio.ensure_future(field(1)), asyncio.ensure_future(field(1))
        await asyncio.sleep(0)  # both wait on the batch
        cancelled.cancel()
        release.set()
        return [await kept, await loader.load(1), cancelled.cancelled()]

    assert asyncio.run(run()) == [10, 10, True]


def test_a_load_no_field_waits_for_any_more_is_not_run():
    """A request cancelled at its deadline (every field waiting on a batch cancelled) leaves nothing behind:
    its pending batch is skipped, as a plain DataLoader skips it, so no read runs (nor is logged) for an
    answer no one will receive."""

    async def run() -> tuple[list[str], bool]:
        calls: list[str] = []

        async def load(keys: list[int]) -> list[int]:
            calls.append("read")
            return keys

        loader = SharedLoader(load_fn=load)

        async def field(key: int) -> int:
            return await loader.load(key)

        first, second = asyncio.ensure_future(field(1)), asyncio.ensure_future(field(1))
        await asyncio.sleep(0)  # both wait on the batch, not dispatched yet
        first.cancel()
        second.cancel()
        await asyncio.sleep(0.05)  # time for the batch to run, were it to
        return calls, first.cancelled() and second.cancelled()

    assert asyncio.run(run()) == ([], True)


def test_a_load_runs_while_one_field_still_waits_for_it():
    """Of two fields waiting on one key, the first cancelled: the read runs once and the other gets its value."""

    async def run() -> tuple[list[str], int]:
        calls: list[str] = []

        async def load(keys: list[int]) -> list[int]:
            calls.append("read")
            return [k * 10 for k in keys]

        loader = SharedLoader(load_fn=load)
        first = asyncio.ensure_future(loader.load(2))
        second = asyncio.ensure_future(loader.load(2))
        await asyncio.sleep(0)
        first.cancel()
        return calls, await second

    calls, value = asyncio.run(run())
    assert (calls, value) == (["read"], 20)
