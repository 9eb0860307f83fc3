"""The finder's page of an anti-wandering QR code: ``GET /qr/{token}``, public.

A mobile-friendly Chinese page with the elder's name, whom to call (the family
contact if consented, and the community hotline) and consented medical alerts —
never the national id, the address only if consented. The consents are the
resident's own (`graph.consent`), read at every scan. No scripts, no third-party
resources, ``no-referrer``, ``noindex``, not cached. Unknown and revoked codes get
the same 404. Scans are rate-limited per client and per code (429 with
``Retry-After``) and recorded with a keyed hash of the client address. While
Neo4j is away the page answers 503 with ``Retry-After``, still in Chinese for
the finder: stay with the elder, call the community hotline (or 110), reload.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections import defaultdict, deque
from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from api.settings import Settings
from graph.qr import Found, scan
from graph.store import is_outage
from schema.outages import STATUS, unavailable_headers

HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


class RateLimit:
    """At most ``limit`` hits per ``window`` seconds per key (a sliding window, in memory)."""

    def __init__(self, limit: int, window: float = 60.0):
        self.limit, self.window = limit, window
        self.hits: dict[str, deque] = defaultdict(deque)

    def retry_after(self, key: str) -> int:
        """0 if this hit is allowed (and counted); else seconds until it would be."""
        now = time.monotonic()
        hits = self.hits[key]
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(1, int(hits[0] + self.window - now) + 1)
        hits.append(now)
        return 0


def install(app: FastAPI, settings: Settings, key: bytes) -> None:
    per_client, per_code = RateLimit(settings.qr_rate_per_client), RateLimit(settings.qr_rate_per_code)

    async def finder_page(token: str, request: Request) -> HTMLResponse:
        client = request.client.host if request.client else "-"
        token_hash = hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
        wait = per_client.retry_after(client) or per_code.retry_after(token_hash)
        if wait:
            return _page("请稍后再试", "<p>扫描过于频繁，请稍后再试。</p>", 429, {"Retry-After": str(wait)})
        client_hash = hmac.new(key, client.encode(), hashlib.sha256).hexdigest()[:16]
        state = request.app.state
        try:
            found = await asyncio.to_thread(scan, state.store, token_hash, client_hash)
        except Exception as e:
            if not is_outage(e):
                raise
            return _page("请稍后再试", _unavailable_body(settings.hotline), STATUS, unavailable_headers())
        if found is None:
            return _page("未找到", "<p>这个二维码无效或已停用。</p>", 404)
        if getattr(state, "qr_feed", None) is not None:
            state.qr_feed.poke()  # this process's `qrScanned` subscribers hear of it at once; others at their poll
        return _page(f"{found.name} · 走失老人求助", _body(found, settings.hotline), 200)

    app.add_api_route("/qr/{token}", finder_page, methods=["GET"], include_in_schema=False)


def _body(found: Found, hotline: str | None) -> str:
    calls = []
    if found.contact_phone:
        who = escape(found.contact_name or "家属")
        calls.append(
            f'<a class="call" href="tel:{escape(found.contact_phone)}">联系{who}：{escape(found.contact_phone)}</a>'
        )
    if hotline:
        calls.append(f'<a class="call" href="tel:{escape(hotline)}">社区热线：{escape(hotline)}</a>')
    parts = [
        f"<h1>{escape(found.name)}</h1>",
        "<p>您好！这位老人可能走失了，请陪伴他/她，并联系：</p>",
        *calls,
        f"<p>所属社区：{escape(found.community)}</p>",
    ]
    if found.medical:
        parts.append(f'<p class="alert">健康提示：{escape(found.medical)}</p>')
    if found.address:
        parts.append(f"<p>住址：{escape(found.address)}</p>")
    parts.append("<p>谢谢您的帮助！</p>")
    return "\n".join(parts)


def _unavailable_body(hotline: str | None) -> str:
    """The page of a code that cannot be looked up now: the elder's name is unknown, whom to call is not."""
    calls = [f'<a class="call" href="tel:{escape(hotline)}">社区热线：{escape(hotline)}</a>'] if hotline else []
    return "\n".join(
        [
            "<h1>系统暂时无法查询</h1>",
            "<p>您好！这位老人可能走失了，请陪伴他/她，并拨打下面的电话求助：</p>",
            *calls,
            '<a class="call" href="tel:110">报警电话：110</a>',
            "<p>请稍后刷新本页面，再次查询老人的信息。谢谢您的帮助！</p>",
        ]
    )


def _page(title: str, body: str, status: int, extra: dict | None = None) -> HTMLResponse:
    html = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer"><title>{escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1.2em;font-size:1.15em;line-height:1.5}}
.call{{display:block;margin:.6em 0;padding:.8em;background:#c62828;color:#fff;border-radius:.4em;
text-decoration:none;text-align:center}}
.alert{{background:#fff3e0;padding:.6em;border-left:4px solid #ef6c00}}</style></head>
<body>{body}</body></html>"""
    return HTMLResponse(html, status_code=status, headers={**HEADERS, **(extra or {})})
