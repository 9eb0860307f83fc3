"""The community console: the built web front-end (``web/dist``) served at ``/``.

Its files hold no data — everything it shows comes through ``/graphql`` with the
token the user enters — so they are public, like ``/livez``. Every path the
service answers itself (`RESERVED`) is left to its own route; any other ``GET``
without a file of that name is answered with ``index.html`` (the console routes
in the browser). The console's pages carry a strict Content-Security-Policy: its
own scripts only, no inline script, no framing, connections to this origin only.
Hashed assets are cached for a year and gzipped once, in memory, when asked for.
"""

from __future__ import annotations

import gzip
import mimetypes
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

#: the paths of the service's own routes, never answered with the console
RESERVED = ("/graphql", "/qr/", "/qr", "/livez", "/readyz", "/metrics", "/ledger")
#: where `make setup` builds the console (a checkout; an installed package names it with GRIDCARE_CONSOLE_DIR)
DEFAULT_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Ant Design writes its component styles into <style> elements at run time (CSS-in-JS)
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = (".js", ".css", ".html", ".svg", ".json", ".txt", ".map")


def is_console(request: Request) -> bool:
    """Whether the request is for the console's files (public): a GET or HEAD outside the service's routes."""
    return request.method in ("GET", "HEAD") and not reserved(request.url.path)


def reserved(path: str) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in RESERVED)


def install(app: FastAPI, dist: Path | None) -> None:
    """Serve the console from ``dist``; register last, after every route of the service."""
    root = (dist or DEFAULT_DIST).resolve()

    async def console(request: Request, path: str = "") -> Response:
        if reserved(request.url.path):
            return PlainTextResponse("not found", status_code=404)
        if not (root / "index.html").is_file():
            return PlainTextResponse(
                "控制台尚未构建：请运行 make setup（需要 web/dist）。\n"
                "The console is not built: run `make setup` (web/dist is missing).",
                status_code=404,
                headers=HEADERS,
            )
        file = _file(root, path)
        if file is None:
            if "." in path.rsplit("/", 1)[-1]:  # a missing asset is a 404, not the page
                return PlainTextResponse("not found", status_code=404, headers=HEADERS)
            file = root / "index.html"
        return _answer(request, file, cache=IMMUTABLE if path.startswith("assets/") else "no-cache")

    app.add_api_route("/", console, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route("/{path:path}", console, methods=["GET", "HEAD"], include_in_schema=False)


def _file(root: Path, path: str) -> Path | None:
    """The file under ``root`` that ``path`` names, never one outside it."""
    if not path:
        return None
    candidate = (root / path).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def _answer(request: Request, file: Path, cache: str) -> Response:
    media = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    headers = {**HEADERS, "Cache-Control": cache, "Vary": "Accept-Encoding"}
    gzipped = file.suffix in COMPRESSIBLE and "gzip" in request.headers.get("accept-encoding", "")
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    body = _read(str(file), file.stat().st_mtime_ns, gzipped)
    if media.startswith("text/") or media in ("application/javascript", "application/json"):
        media += "; charset=utf-8"
    if request.method == "HEAD":  # the length a GET would send
        return Response(b"", media_type=media, headers={**headers, "Content-Length": str(len(body))})
    return Response(body, media_type=media, headers=headers)


@lru_cache(maxsize=256)
def _read(path: str, mtime: int, gzipped: bool) -> bytes:
    """A file's bytes, gzipped if asked: read once per version of the file (``mtime``)."""
    data = Path(path).read_bytes()
    return gzip.compress(data, compresslevel=6, mtime=0) if gzipped else data
