"""Browser tests of the console: a real `gridcare serve` (clock pinned) on the session's Neo4j, with a
community of its own imported from the demo ledger, driven by Playwright through Debian's Chromium.

The console must be built (`make setup` runs `npm ci` and the build into web/dist); Chromium is
`/usr/bin/chromium` (`make setup` installs Debian's package when it is missing), or `GRIDCARE_CHROMIUM`.
Screenshots go to `build/web-artifacts/` (or `GRIDCARE_WEB_ARTIFACTS`), kept as the run's artefacts.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from datetime import time as clock_time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_DAY

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("GRIDCARE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("GRIDCARE_WEB_ARTIFACTS", ROOT / "build" / "web-artifacts"))
TODAY = DEMO_DAY  # the day the demo ledger describes (its visits run up to it)
NOW = datetime.combine(TODAY, clock_time(10), tzinfo=timezone(timedelta(hours=8)))  # the community's morning
WAIT = 120  # seconds: bounds on waiting for a server or a page, never assertions about time
# expect() waits as long as a page may take on a loaded machine (a bound, never an assertion about time)
expect.set_options(timeout=WAIT * 1000)
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def console_built() -> Path:
    assert (DIST / "index.html").is_file(), "the console is not built: run `make setup` (npm ci and the build)"
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: run `make setup` (installs Debian's chromium)"
    return DIST


@pytest.fixture(scope="session")
def web_community(gridcare, demo_ledger, driver, database) -> str:
    """The demo imported under a name of the browser tests' own (they change it: suggestions, visits, QR codes)."""
    name = f"长山花园-web-{uuid.uuid4().hex[:6]}"
    gridcare("import", demo_ledger, "--community", name, check=True)
    yield name
    driver.execute_query("MATCH (t:ApiToken {community: $c}) DETACH DELETE t", c=name, database_=database)
    driver.execute_query("MATCH (n {community: $c}) DETACH DELETE n", c=name, database_=database)


@pytest.fixture(scope="session")
def server(console_built, cli_env, web_community) -> str:
    """`gridcare serve` on a free port, the clock pinned to `NOW`; its base URL."""
    port = free_port()
    env = {**cli_env, "GRIDCARE_QR_NOTIFY_POLL": "0.2", "GRIDCARE_CONSOLE_DIR": str(console_built)}
    env["GRIDCARE_QUERY_DEADLINE"] = os.environ["GRIDCARE_QUERY_DEADLINE"]  # the session's (tests/conftest.py)
    log = ARTIFACTS / "server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.web.pinned_serve", NOW.isoformat(), "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + WAIT
            while not _answers(f"{base}/readyz"):
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=WAIT)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def issue_token(gridcare, web_community):
    """Issue a real token with the CLI: ``issue_token("staff")``, ``issue_token("unit_leader", scope="unit:1-1")``."""

    def issue(role: str, **options: str) -> str:
        args = ["token", "issue", "--role", role, "--expires", "2h", "--label", f"console test {role}"]
        if role != "admin":
            args += ["--community", web_community]
        for key, value in options.items():
            args += [f"--{key}", value]
        return gridcare(*args, check=True).stdout.strip()

    return issue


@pytest.fixture(scope="session")
def staff_token(issue_token) -> str:
    return issue_token("staff")


@pytest.fixture(scope="session")
def audit_json(gridcare, web_community):
    """`gridcare audit --format json` of the community on the pinned day, read now."""

    def audit() -> dict:
        done = gridcare(
            "audit", "--community", web_community, "--as-of", TODAY.isoformat(), "--format", "json", check=True
        )
        return json.loads(done.stdout)

    return audit


@pytest.fixture(scope="session")
def graphql(server):
    """POST an operation to the running server with a token; returns the JSON answer."""

    def ask(token: str, query: str, **variables) -> dict:
        answer = httpx.post(
            f"{server}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=WAIT,
        )
        return answer.json()

    return ask


@pytest.fixture(scope="session")
def browser(console_built):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser, server, request):
    """A fresh browser context (empty session storage) at a viewport, its clock pinned to `NOW`."""
    contexts = []

    def open_(viewport: str = "desktop", *, bypass_csp: bool = False):
        context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=server, bypass_csp=bypass_csp)
        context.set_default_timeout(WAIT * 1000)
        contexts.append(context)
        page = context.new_page()
        page.clock.set_fixed_time(NOW)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_
    for context in contexts:
        context.close()


def sign_in(page, token: str) -> None:
    """Sign in through the form, as a person does, and wait for the console to greet the role."""
    page.goto("/")
    page.get_by_test_id("token-input").fill(token)
    page.get_by_test_id("sign-in").click()
    page.get_by_test_id("viewer-role").wait_for()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))  # the viewport: 390×844 or 1440×900
    return path


@contextmanager
def no_page_errors(page):
    yield
    assert page.errors == [], page.errors


ASK = """mutation($input: RequestServiceInput!) { requestService(input: $input) {
  __typename ... on RequestPayload { request { id } } } }"""
ADD_GIFT = """mutation($c: String!, $name: String!, $points: Int!, $stock: Int!) {
  addGift(community: $c, name: $name, points: $points, stock: $stock) {
    __typename ... on GiftPayload { gift { id } } } }"""
AWARD = """mutation($id: ID!, $points: Int!, $key: String!) {
  awardGoodDeed(residentId: $id, points: $points, reason: "扫雪", idempotencyKey: $key) { __typename } }"""


def ask_service(graphql, token: str, elder: str, kind: str = "HAIRCUT") -> str:
    """Ask for a home service for an elder over GraphQL, as the office would; the request's id."""
    answer = graphql(token, ASK, input={"residentId": elder, "kind": kind, "note": "请上午来"})
    assert answer["data"]["requestService"]["__typename"] == "RequestPayload", answer
    return answer["data"]["requestService"]["request"]["id"]


@pytest.fixture(scope="session")
def services(graphql, staff_token, web_community) -> dict:
    """What the services views show, made through the API as the office makes it: open requests for three
    elders, a gift shelf (a towel, one in stock; a rice cooker beyond anyone's points) and a resident who
    earned 12 points for a good deed."""
    elders = graphql(
        staff_token,
        "query($c: String!) { residents(community: $c, filter: {minAge: 75}, first: 4) "
        "{ edges { node { id name } } } }",
        c=web_community,
    )["data"]["residents"]["edges"]
    kinds = ("HAIRCUT", "MEALS", "BATHING")
    requests = [ask_service(graphql, staff_token, e["node"]["id"], kind) for e, kind in zip(elders, kinds)]
    gifts = {}
    for name, points, stock in (("毛巾", 5, 1), ("电饭煲", 300, 2)):
        added = graphql(staff_token, ADD_GIFT, c=web_community, name=name, points=points, stock=stock)
        gifts[name] = added["data"]["addGift"]["gift"]["id"]
    earner = elders[3]["node"]
    awarded = graphql(staff_token, AWARD, id=earner["id"], points=12, key=f"web-test-{uuid.uuid4().hex}")
    assert awarded["data"]["awardGoodDeed"]["__typename"] == "MovementPayload", awarded
    return {"requests": requests, "gifts": gifts, "earner": earner}
