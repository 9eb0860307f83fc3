"""The FastAPI application: one Neo4j driver per process, GraphQL and health routes."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

import neo4j
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from api import metrics
from api.settings import Settings
from api.store import open_store
from graph.migrations import LATEST, current_version
from schema import build_schema
from schema.context import Context

log = logging.getLogger("gridcare")
READY_TIMEOUT = 1.5  # seconds; /readyz answers within 2 s even when Neo4j hangs


def create_app(settings: Settings, *, demo: bool = False, driver: neo4j.Driver | None = None,
               database: str | None = None) -> FastAPI:
    """Build the app. Pass ``driver`` to share one (tests); else the lifespan opens it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        owned = driver is None
        app.state.driver, app.state.database = (
            await asyncio.to_thread(open_store, settings, log.info) if owned else (driver, database or "neo4j")
        )
        if demo:
            await asyncio.to_thread(_load_demo_if_empty, app.state.driver, app.state.database, settings)
        try:
            yield
        finally:
            if owned:
                app.state.driver.close()

    app = FastAPI(title="gridcare", lifespan=lifespan, docs_url=None, redoc_url=None)

    async def context(request: Request) -> Context:
        return Context(driver=request.app.state.driver, database=request.app.state.database)

    graphql = GraphQLRouter(build_schema(), context_getter=context,
                            graphql_ide="graphiql" if settings.mode == "development" else None)
    app.include_router(graphql, prefix="/graphql")
    app.add_api_route("/livez", livez, methods=["GET"])
    app.add_api_route("/readyz", readyz, methods=["GET"])
    metrics.install(app)
    return app


async def livez() -> dict:
    """The process is up."""
    return {"status": "ok"}


async def readyz(request: Request) -> JSONResponse:
    """Neo4j answers and the schema is migrated; 503 otherwise, within 2 s."""
    state = request.app.state
    try:
        version = await asyncio.wait_for(
            asyncio.to_thread(current_version, state.driver, state.database), READY_TIMEOUT)
    except Exception as e:  # any failure to answer means not ready
        reason = "Neo4j did not answer in time" if isinstance(e, TimeoutError) else "Neo4j is unavailable"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    if version < LATEST:
        return JSONResponse({"status": "unavailable", "reason": f"schema at version {version}, "
                             f"needs {LATEST}: run any gridcare command to migrate"}, status_code=503)
    return JSONResponse({"status": "ready", "schema_version": version})


def _load_demo_if_empty(driver: neo4j.Driver, database: str, settings: Settings) -> None:
    from api.importing import load_demo
    from graph.stats import list_communities

    if list_communities(driver, database):
        return
    log.info("Empty database: importing the generated Changshan Garden community…")
    summary = load_demo(driver, database, settings)
    log.info("Demo imported: %s", ", ".join(summary.communities))
