"""The FastAPI application: one Neo4j driver per process, GraphQL and health routes."""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIWebSocketRoute
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import MULTIPART_SUBSCRIPTION_PROTOCOL

from analysis.domain import Role
from api import auth, console, guard, ledger_upload, metrics, qr
from api.secrets import write_secret
from api.settings import Settings
from api.store import open_store
from api.tokens import TokenRequest, check_settings, issue, token_key
from graph.store import Store, is_outage
from graph.store.migrations import LATEST, current_version
from graph.tokens import revoke_token
from schema import build_schema
from schema.context import Context
from schema.notify import AlertFeed, BoardFeed, ScanFeed
from schema.outages import unavailable_headers

log = logging.getLogger("gridcare")
DB_THREADS = 32
READY_TIMEOUT = 1.5  # seconds; /readyz answers within 2 s even when Neo4j hangs (its probe gives up within ~1 s)


def create_app(settings: Settings, *, demo: bool = False, store: Store | None = None) -> FastAPI:
    """Build the app. Pass ``store`` to share one (tests); else the lifespan opens it.

    Refuses (`graph.errors.Invalid`) to build a production app without an
    explicit token key or with authentication off.
    """
    check_settings(settings)
    secret = token_key(settings)  # HMAC key of API tokens and QR codes, read once
    key = secret if settings.auth == "required" else None
    lifespan = _lifespan(settings, demo=demo, key=key, store=store)
    app = FastAPI(title="gridcare", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.qr_feed = ScanFeed(poll=settings.qr_notify_poll, window=settings.qr_notify_window)
    app.state.alert_feed = AlertFeed(poll=settings.qr_notify_poll)
    app.state.board_feed = BoardFeed(poll=settings.qr_notify_poll)
    app.include_router(_graphql_router(settings, secret, app.state.qr_feed), prefix="/graphql")
    app.add_api_route("/livez", livez, methods=["GET"])
    app.add_api_route("/readyz", readyz, methods=["GET"])
    guard.install(app)
    qr.install(app, settings, secret)
    auth.install(app, settings, key)  # outside guard: a caller without a token learns nothing more
    metrics.install(app)
    ledger_upload.install(app, settings)
    console.install(app, settings.console_dir)  # last: its fallback answers paths no other route took
    return app


def app_from_environment() -> FastAPI:
    """The app of the settings in the environment: what each worker process of `gridcare serve --workers N` builds."""
    from api.settings import get_settings

    return create_app(get_settings())


def _lifespan(settings: Settings, *, demo: bool, key: bytes | None, store: Store | None):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        owned = store is None
        # blocking driver calls run in this pool (asyncio.to_thread); the default of cores + 4
        # threads queues requests behind each other long before Neo4j is busy
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="gridcare-db")
        )
        app.state.store = await asyncio.to_thread(open_store, settings, log.info) if owned else store
        if demo:
            await asyncio.to_thread(_load_demo_if_empty, app.state.store, settings)
        demo_token = await asyncio.to_thread(_demo_token, app.state, key) if demo and key else None
        try:
            yield
        finally:
            if demo_token:
                demo_token_file(settings).unlink(missing_ok=True)
                try:
                    await asyncio.to_thread(revoke_token, app.state.store, demo_token)
                except Exception as e:
                    if not is_outage(e):
                        raise
                    log.warning("Neo4j is unavailable: the demo token stays valid until it expires (12 h)")
            if owned:
                app.state.store.close()

    return lifespan


class Router(GraphQLRouter):
    """strawberry's router, answering with orjson: a whole community's tree (1–2 MB) is encoded on the server's
    loop, and orjson takes a few milliseconds where the standard library takes tens."""

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def _graphql_router(settings: Settings, secret: bytes, feed: ScanFeed) -> GraphQLRouter:
    development = settings.mode == "development"

    async def context(request: Request) -> Context:
        state = request.app.state
        return Context(
            store=state.store,
            principal=request.state.principal,
            request_id=request.state.request_id,
            secret_key=secret,
            qr_feed=feed,
            alert_feed=request.app.state.alert_feed,
            board_feed=request.app.state.board_feed,
        )

    # Subscriptions stream over multipart HTTP only (a POST, `Accept: multipart/mixed;subscriptionSpec=1.0`),
    # so the auth middleware, the HTTP guard and the request id cover them as every other operation.
    router = Router(
        build_schema(production=not development, deadline=settings.query_deadline, planner=settings.planner),
        context_getter=context,
        graphql_ide="graphiql" if development else None,
        allow_queries_via_get=False,
        multipart_uploads_enabled=False,
        subscription_protocols=(MULTIPART_SUBSCRIPTION_PROTOCOL,),
    )
    # no websockets: the auth middleware guards HTTP only
    router.routes = [r for r in router.routes if not isinstance(r, APIWebSocketRoute)]
    return router


async def livez() -> dict:
    """The process is up."""
    return {"status": "ok"}


async def readyz(request: Request) -> JSONResponse:
    """Neo4j answers and the schema is migrated; 503 otherwise, within 2 s.

    The check (`current_version`) is one attempt that gives up within about a second
    (`graph.store.Store.check`), so a timed-out probe leaves no thread behind retrying.
    """
    state = request.app.state
    try:
        version = await asyncio.wait_for(asyncio.to_thread(current_version, state.store), READY_TIMEOUT)
    except TimeoutError:
        return _unready("Neo4j did not answer in time", unavailable_headers())
    except Exception as e:  # not ready either way; an outage is expected, anything else is a bug to look at
        if is_outage(e):
            return _unready(f"Neo4j is unavailable ({type(e).__name__})", unavailable_headers())
        request_id = request.state.request_id
        trace = "".join(traceback.format_tb(e.__traceback__))
        log.error("request %s: the readiness check failed with %s\n%s", request_id, type(e).__name__, trace)
        return _unready(f"the readiness check failed: internal error (request id {request_id})")
    if version < LATEST:
        return _unready(f"schema at version {version}, needs {LATEST}: run any gridcare command to migrate")
    return JSONResponse({"status": "ready", "schema_version": version})


def _unready(reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503, headers=headers)


def _load_demo_if_empty(store: Store, settings: Settings) -> None:
    from api.importing import load_demo
    from graph.reads.stats import list_communities

    if list_communities(store):
        return
    log.info("Empty database: importing the generated Changshan Garden community…")
    summary = load_demo(store, settings)
    log.info("Demo imported: %s", ", ".join(summary.communities))


def _demo_token(state, key: bytes) -> str | None:
    """Revoke earlier demo tokens, issue a 12-hour development admin token, print how to use it; revoked at
    shutdown."""
    if state.settings.mode != "development":
        log.info("Production mode: no demo token; issue one with `gridcare token issue`.")
        return None
    label = "gridcare serve --demo"
    # a demo server killed (kill -9, a crash) never revoked its token: end every earlier one before issuing anew
    from graph.tokens import revoke_admin_tokens_labelled

    earlier = revoke_admin_tokens_labelled(state.store, label)
    if earlier:
        log.info("Revoked %d earlier demo token(s): %s", len(earlier), ", ".join(earlier))
    expires = datetime.now(UTC) + timedelta(hours=12)
    token, record = issue(state.store, key, TokenRequest(role=Role.ADMIN, label=label, expires_at=expires))
    path = demo_token_file(state.settings)
    path.unlink(missing_ok=True)
    write_secret(path, token)
    print(  # noqa: T201 (the operator reads it on the terminal; never logged)
        f"\nDevelopment admin token (id {record.id}, valid 12 h, revoked when the server stops; also in {path}):\n"
        f"    {token}\nIn GraphiQL, open Headers and paste:\n"
        f'    {{"Authorization": "Bearer {token}"}}\n',
        file=sys.stderr,
        flush=True,
    )
    return record.id


def demo_token_file(settings: Settings) -> Path:
    """Where `serve --demo` leaves its token for scripts (mode 0600, removed at shutdown)."""
    return settings.home / "demo-token"
