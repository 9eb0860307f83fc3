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
