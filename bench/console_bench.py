"""The console's budgets: the overview's first load to the figures shown, and the JavaScript of the first page.

Starts `gridcare serve` in a process of its own on the demo community (imported if
missing), with a staff token of the demo, and opens the overview in Debian's Chromium
(`/usr/bin/chromium`, or GRIDCARE_CHROMIUM) as a signed-in user whose browser has
nothing cached: a new browser context every round. It measures, in the page, the time
from the start of navigation to the moment the uncovered-elders figure holds its
number, and sums the JavaScript the browser fetched until then, gzipped (as the
server sends it). The baseline, in the same run: the overview's own GraphQL query
(`coverageAudit { totals }`) posted from Python, which the page cannot beat.

Budgets (issue 12): first load under 1.5 s on loopback; first page's JavaScript under
400 kB gzipped. The console must be built (`make setup`).

    .venv/bin/python bench/console_bench.py --rounds 5
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api_bench import demo_token, serve  # noqa: E402
from loaders.demo import DEMO_COMMUNITY  # noqa: E402

CHROMIUM = os.environ.get("GRIDCARE_CHROMIUM", "/usr/bin/chromium")
DIST = ROOT / "web" / "dist"
FIRST_LOAD_BUDGET = 1.5  # seconds
JS_BUDGET = 400_000  # bytes, gzipped
OVERVIEW = "query Overview($community: String!) { coverageAudit(community: $community) { asOf totals } }"
ME = "query Me { me { role label community scope resident { id name } } communities { name } }"  # web/src/app/me.ts
# records, in the page, when the figure first holds a number (performance.now(): ms since navigation start)
WATCH = """
new MutationObserver((_, observer) => {
  const figure = document.querySelector('[data-testid="uncovered-elders"]');
  if (figure && /^[0-9]+$/.test(figure.textContent.trim())) {
    window.__figuresShown = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
"""


def api_baseline(base: str, token: str, rounds: int) -> list[float]:
    times = []
    with httpx.Client(timeout=120, headers={"Authorization": f"Bearer {token}"}) as http:
        for _ in range(rounds):
            started = time.perf_counter()
            http.post(f"{base}/graphql", json={"query": OVERVIEW, "variables": {"community": DEMO_COMMUNITY}})
            times.append(time.perf_counter() - started)
    return times


def first_loads(base: str, token: str, rounds: int, viewer: str | None) -> tuple[list[float], list[dict[str, int]]]:
    """Open the overview ``rounds`` times in a tab signed in (its token, and ``viewer``: what `me` said at
    sign-in, if given, in the tab's session storage) with nothing in the browser's cache."""
    from playwright.sync_api import sync_playwright

    loads, scripts = [], []
    session = f"sessionStorage.setItem('gridcare.token', {token!r});"
    if viewer:
        session += f"sessionStorage.setItem('gridcare.viewer', {viewer!r});"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(rounds):
            context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
            context.add_init_script(f"{session} {WATCH}")
            page = context.new_page()
            fetched: dict[str, int] = {}
            page.on("response", lambda r, fetched=fetched: _count_script(r, fetched))
            page.goto(f"{base}/overview")
            page.wait_for_function("window.__figuresShown !== undefined", timeout=120_000)
            loads.append(page.evaluate("window.__figuresShown") / 1000)
            scripts.append(fetched)
            context.close()
        browser.close()
    return loads, scripts


def _count_script(response, fetched: dict[str, int]) -> None:
    if response.url.endswith(".js"):
        name = response.url.rsplit("/", 1)[-1]
        fetched[name] = len(gzip.compress((DIST / "assets" / name).read_bytes(), compresslevel=6, mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not (DIST / "index.html").is_file():
        raise SystemExit("the console is not built: run `make setup`")
    with demo_token("console bench", "staff", DEMO_COMMUNITY) as (_, token):
        server, base = serve()
        try:
            api_baseline(base, token, 2)  # warm the server and Neo4j as a day's use would
            baseline = api_baseline(base, token, args.rounds)
            me = httpx.post(f"{base}/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"})
            loads, scripts = first_loads(base, token, args.rounds, json.dumps(me.json()["data"]))
            bare, _ = first_loads(base, token, args.rounds, None)
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(baseline, loads, scripts, bare)


def report(baseline: list[float], loads: list[float], scripts: list[dict[str, int]], bare: list[float]) -> None:
    api, load = statistics.median(baseline), statistics.median(loads)
    js = max(sum(s.values()) for s in scripts)
    print(f"overview query alone (baseline): median {api * 1000:6.0f} ms  (n={len(baseline)})")
    print(
        f"first load to figures shown:     median {load * 1000:6.0f} ms  max {max(loads) * 1000:6.0f} ms  "
        f"(n={len(loads)}; budget {FIRST_LOAD_BUDGET * 1000:.0f} ms) {'OK' if load < FIRST_LOAD_BUDGET else 'OVER'}"
    )
    print(f"ratio first load / query alone:  {load / api:.2f}x  (the page's own cost: {(load - api) * 1000:.0f} ms)")
    print(
        f"the same with only the token in the tab (who signed in asked again first): median "
        f"{statistics.median(bare) * 1000:.0f} ms"
    )
    print(
        f"JavaScript of the first page:    {js / 1000:6.1f} kB gzipped in {len(scripts[0])} files "
        f"(budget {JS_BUDGET / 1000:.0f} kB) {'OK' if js < JS_BUDGET else 'OVER'}"
    )
    for name, size in sorted(scripts[0].items(), key=lambda kv: -kv[1]):
        print(f"    {size / 1000:7.1f} kB  {name}")
    every = sum(len(gzip.compress(f.read_bytes(), 6, mtime=0)) for f in (DIST / "assets").glob("*.js"))
    print(f"all of the console's JavaScript: {every / 1000:6.1f} kB gzipped (the rest loads with its page)")


if __name__ == "__main__":
    main()
