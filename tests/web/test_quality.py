"""The console's main pages as a product: no serious accessibility violation (axe-core), no layout
break from 360 to 1920 pixels wide, no script error; a screenshot of each at 390×844 and 1440×900.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import AXE, screenshot, sign_in
from tests.web.test_console import unit_leader

WIDTHS = (360, 768, 1024, 1920)
STAFF_PAGES = {
    "overview": ("/overview", "overview"),
    "uncovered": ("/uncovered", "uncovered"),
    "tree": ("/tree?unit=1|1|1", "unit-people"),
    "map": ("/map", "coverage-map"),
    "loads": ("/loads", "loads"),
    "posts": ("/posts", "posts"),
    "dispatch": ("/dispatch", "open-count"),
    "points": ("/points", "ranking"),
    "import": ("/import", "import"),
}
AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target) }));
}"""


SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def overflow(page) -> int:
    """How far the page is wider than the window (a horizontal scroll of the whole page is a layout break)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def widths_without_overflow(page) -> dict[int, int]:
    overflows = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(f"window.innerWidth === {width}")
        page.evaluate(SETTLED)  # what resizes itself (the loads' chart) has done so
        overflows[width] = overflow(page)
    return overflows


@pytest.fixture(scope="module")
def a_resident(graphql, staff_token, web_community) -> str:
    answer = graphql(
        staff_token,
        "query($c: String!) { residents(community: $c, filter: {minAge: 80, livesAlone: true}, first: 1) "
        "{ edges { node { id } } } }",
        c=web_community,
    )
    return answer["data"]["residents"]["edges"][0]["node"]["id"]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_staff_pages(open_page, staff_token, a_resident, services, viewport):
    page = open_page(viewport, bypass_csp=True)  # axe is injected as a script of its own
    sign_in(page, staff_token)
    pages = {**STAFF_PAGES, "resident": (f"/residents/{a_resident.replace('/', '%2F')}", "resident")}
    found = {}
    for name, (path, ready) in pages.items():
        page.goto(path)
        page.get_by_test_id(ready).wait_for()
        page.locator("[role=status] .ant-spin").first.wait_for(state="detached")
        screenshot(page, f"{name}-{viewport}")
        found[name] = serious_violations(page)
        if viewport == "desktop":
            assert all(px <= 1 for px in widths_without_overflow(page).values()), (name, widths_without_overflow(page))
            page.set_viewport_size({"width": 1440, "height": 900})
    assert found == {name: [] for name in pages}
    assert page.errors == []


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_leaders_phone_page_and_the_sign_in_page(
    open_page, issue_token, staff_token, graphql, web_community, viewport
):
    page = open_page(viewport, bypass_csp=True)
    page.goto("/")
    page.get_by_test_id("token-input").wait_for()
    screenshot(page, f"sign-in-{viewport}")
    assert serious_violations(page) == []
    sign_in(page, unit_leader(issue_token, graphql, staff_token, web_community))
    page.get_by_test_id("my-elders").wait_for()
    screenshot(page, f"my-elders-{viewport}")
    assert serious_violations(page) == []
    if viewport == "desktop":
        assert all(px <= 1 for px in widths_without_overflow(page).values())
    assert page.errors == []
