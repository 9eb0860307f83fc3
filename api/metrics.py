"""Prometheus metrics: /metrics, and request latency by route."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analysis.domain import Role
from api.auth import LOOPBACK, refusal

REQUEST_LATENCY = Histogram(
    "gridcare_http_request_duration_seconds",
    "HTTP request latency by method, route and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class Timed:
    """The middleware timing every request (pure ASGI) until its answer starts: a stream's (a subscription's)
    headers end its time, not its last part."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                path = getattr(scope.get("route"), "path", "unmatched")
                status = message["status"]
                REQUEST_LATENCY.labels(scope["method"], path, status).observe(time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, timed)


def install(app: FastAPI) -> None:
    """Time every request and serve the metrics at /metrics."""

    app.add_middleware(Timed)

    async def metrics(request: Request) -> Response:
        """Counts, no personal data, for the host's monitoring (loopback) and for admins."""
        loopback = request.client is not None and request.client.host in LOOPBACK
        if not loopback and request.state.principal.role != Role.ADMIN:
            return refusal(403, "metrics are for the host's monitoring and for admins", request.state.request_id)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
