"""Operations run off the server's event loop, and a query past its deadline is stopped.

GraphQL work — parsing, validation, execution of thousands of fields — is CPU work
in Python. Run on the event loop of the HTTP server, one big operation would hold
every other request, ``/livez`` included, until it is done. So every query and
mutation runs on a loop of its own in one worker thread (`Worker`); the server's
loop only waits for it, and Python's thread switching (every 5 ms) keeps the
server's loop answering meanwhile.

A query that has not finished after the deadline (``GRIDCARE_QUERY_DEADLINE``,
10 s) is cancelled and answered with a ``DEADLINE_EXCEEDED`` error. A mutation is
never cut off half-way: it is one transaction, small by construction, and stopping
the wait would only leave the caller not knowing whether it happened.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from graphql import GraphQLError
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop's where it exists (not on Windows): a fraction of asyncio's cost per task and per wake-up, and an
    operation of a page of residents makes hundreds of tasks (graphql-core gathers every list's items)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


log = logging.getLogger("gridcare.graphql")

DB_THREADS = 32  # blocking driver calls of the operations (asyncio.to_thread on the worker's loop)


class Worker:
    """One thread running an event loop for GraphQL operations, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                ready = threading.Event()
                holder: list[asyncio.AbstractEventLoop] = []
                thread = threading.Thread(target=self._run, args=(holder, ready), name="gridcare-graphql", daemon=True)
                thread.start()
                ready.wait()
                self._loop, self._thread = holder[0], thread
                atexit.register(self.stop)
            return self._loop

    def stop(self) -> None:
        """Stop the loop and wait for its thread (at exit: no daemon thread left writing while Python ends)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)

    @staticmethod
    def _run(holder: list[asyncio.AbstractEventLoop], ready: threading.Event) -> None:
        loop: asyncio.AbstractEventLoop = _new_loop()
        executor = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="gridcare-db")
        loop.set_default_executor(executor)
        holder.append(loop)
        asyncio.set_event_loop(loop)
        ready.set()
        try:
            loop.run_forever()
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
            loop.close()


WORKER = Worker()


class OperationKind(SchemaExtension):
    """Tell the waiting side what kind of operation runs: a mutation is never cut off."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if context is not None and hasattr(context, "operation"):
            context.operation = self.execution_context.operation_type
        yield


async def bounded(work: Coroutine[Any, Any, ExecutionResult], context: Any, deadline: float) -> ExecutionResult:
    """Run ``work`` on the worker's loop; a query still running after ``deadline`` seconds is cancelled."""
    future = asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, WORKER.loop()))
    try:
        return await asyncio.wait_for(asyncio.shield(future), deadline)
    except TimeoutError:
        if getattr(context, "operation", None) == OperationType.MUTATION:
            return await future  # one transaction: let it finish and say how it ended
        future.cancel()
        request_id = getattr(context, "request_id", "") or "-"
        log.warning("request %s: stopped after the deadline of %.0f s", request_id, deadline)
        error = GraphQLError(
            f"the query took longer than {deadline:.0f} s and was stopped: ask for less (fewer fields, smaller "
            f"pages) or narrow it down (request id {request_id})",
            extensions={"code": "DEADLINE_EXCEEDED", "requestId": request_id},
        )
        return ExecutionResult(data=None, errors=[error])
