"""The console in a real browser against a real `gridcare serve`: what community staff and leaders do with it.

Each test signs in through the form with a token issued by the CLI, as a person would; figures are
compared with `gridcare audit --format json` read at the same moment; changes are checked in the
store over GraphQL.
"""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import expect

from tests.web.conftest import TODAY, WAIT, screenshot, sign_in

FIGURES = ("uncovered-elders", "solitary-uncovered", "vacant-posts")


def expected_figures(totals: dict) -> dict[str, str]:
    figures = {
        "uncovered-elders": totals["uncovered_elders"],
        "solitary-uncovered": totals["solitary_uncovered"],
        "vacant-posts": totals["grids_without_leader"]
        + totals["buildings_without_leader"]
        + totals["units_without_leader"],
        "unbacked-posts": totals["scopes_without_backup"],
        "overloaded-leaders": totals["overloaded_leaders"],
        "covered-elders": totals["covered_elders"],
        "elders": totals["elders"],
        "solitary-elders": totals["solitary_elders"],
        "residents": totals["residents"],
        "households": totals["households"],
    }
    if "overdue_visits" in totals:
        figures["overdue-visits"] = totals["overdue_visits"]
    return {k: str(v) for k, v in figures.items()}


def shown_figures(page, names) -> dict[str, str]:
    page.get_by_test_id("uncovered-elders").wait_for()
    return {name: page.get_by_test_id(name).inner_text().strip() for name in names}


def test_staff_sign_in_and_the_overview_figures_are_the_audit_of_the_same_moment(open_page, staff_token, audit_json):
    for viewport in ("desktop", "phone"):
        page = open_page(viewport)
        sign_in(page, staff_token)
        expect(page).to_have_url(f"{page.url.split('/overview')[0]}/overview")
        page.get_by_test_id("uncovered-elders").wait_for()
        totals = audit_json()["totals"]
        expected = expected_figures(totals)
        assert shown_figures(page, expected) == expected
        assert page.get_by_test_id("overdue-visits").count() == ("overdue_visits" in totals)
        screenshot(page, f"overview-{viewport}")
        assert page.errors == []


def test_a_token_is_checked_before_it_is_kept_and_lives_in_session_storage_only(open_page, staff_token):
    page = open_page()
    page.goto("/")
    page.get_by_test_id("token-input").fill("my password")
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("不像一个登录令牌")
    page.get_by_test_id("token-input").fill("gc_" + "x" * 43)  # well formed, never issued
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("无法登录")
    assert page.evaluate("sessionStorage.getItem('gridcare.token')") is None

    page.get_by_test_id("token-input").fill(f"  Bearer {staff_token} ")  # pasted with the header's word
    page.get_by_test_id("sign-in").click()
    page.get_by_test_id("viewer-role").wait_for()
    assert page.evaluate("sessionStorage.getItem('gridcare.token')") == staff_token
    assert staff_token not in page.url
    assert staff_token not in page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert page.context.cookies() == []

    page.get_by_test_id("sign-out").click()
    page.get_by_test_id("token-input").wait_for()
    assert page.evaluate("sessionStorage.getItem('gridcare.token')") is None
    page.goto("/uncovered")  # no data without signing in again
    page.get_by_test_id("token-input").wait_for()
    assert page.get_by_test_id("uncovered").count() == 0


def test_applying_a_suggestion_drops_the_uncovered_count_by_one(open_page, staff_token, audit_json):
    before = audit_json()["totals"]["uncovered_elders"]
    page = open_page()
    sign_in(page, staff_token)
    page.goto("/uncovered")
    page.get_by_test_id("uncovered").wait_for()
    page.locator("tr.ant-table-row:has(input:not([disabled])) input[type=checkbox]").first.check()
    apply = page.get_by_test_id("apply-suggestions")
    expect(apply).to_contain_text("1")
    apply.click()
    expect(page.get_by_text(f"{before} → {before - 1}")).to_be_visible()
    assert audit_json()["totals"]["uncovered_elders"] == before - 1
    page.get_by_role("link", name="总览", exact=True).click()
    expect(page.get_by_test_id("uncovered-elders")).to_have_text(str(before - 1))
    assert page.errors == []


def unit_elders(graphql, staff_token, community: str, building: str, unit: str) -> set[str]:
    ids: set[str] = set()
    after = None
    while True:
        page = graphql(
            staff_token,
            "query($c: String!, $b: String!, $u: String!, $after: String) { residents(community: $c, "
            "filter: {building: $b, unit: $u, minAge: 60}, first: 100, after: $after) { edges { node { id } } "
            "pageInfo { hasNextPage endCursor } } }",
            c=community,
            b=building,
            u=unit,
            after=after,
        )["data"]["residents"]
        ids |= {e["node"]["id"] for e in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


def unit_leader(issue_token, graphql, staff_token, community: str) -> str:
    """A token of the A unit leader of unit 1-1, naming them (as a leader's token should)."""
    grid = graphql(
        staff_token,
        'query($c: String!) { community(name: $c) { grid(number: "1") { buildings { number units { number '
        "leaders { post resident { residentId } } } } } } }",
        c=community,
    )["data"]["community"]["grid"]
    unit = next(u for b in grid["buildings"] if b["number"] == "1" for u in b["units"] if u["number"] == "1")
    holder = next(p["resident"]["residentId"] for p in sorted(unit["leaders"], key=lambda p: p["post"]))
    return issue_token("unit_leader", scope="unit:1-1", resident=holder)


def test_a_unit_leaders_token_shows_only_their_units_people(
    open_page, issue_token, staff_token, graphql, web_community
):
    leader = unit_leader(issue_token, graphql, staff_token, web_community)
    page = open_page("phone")
    sign_in(page, leader)
    page.get_by_test_id("my-elders").wait_for()
    cards = page.locator("[data-testid=my-elder]")
    while page.get_by_test_id("more-elders").count():
        shown_before = cards.count()
        page.get_by_test_id("more-elders").click()
        expect(cards).not_to_have_count(shown_before)
    shown = set(page.locator("[data-testid=my-elder]").evaluate_all("cards => cards.map(c => c.dataset.residentId)"))
    assert shown == unit_elders(graphql, staff_token, web_community, "1", "1")
    screenshot(page, "my-elders-phone")

    page.goto("/tree")  # the places above theirs only as the way down
    page.get_by_test_id("tree").wait_for()
    assert page.get_by_test_id("tree-unit").count() == 1
    outside = unit_elders(graphql, staff_token, web_community, "2", "1")
    page.goto(f"/residents/{next(iter(outside))}".replace("/r/", "%2Fr%2F"))
    expect(page.get_by_text("没有找到这位居民")).to_be_visible()
    assert page.get_by_test_id("overview").count() == 0 and page.get_by_text("总览").count() == 0


def test_a_leader_records_a_visit_with_one_tap_and_can_undo_it(
    open_page, issue_token, staff_token, graphql, web_community
):
    leader = unit_leader(issue_token, graphql, staff_token, web_community)
    page = open_page("phone")
    sign_in(page, leader)
    first = page.locator("[data-testid=my-elder]").first
    elder = first.get_attribute("data-resident-id")
    first.get_by_test_id("visited-ok").click()
    expect(page.get_by_role("status").filter(has_text="已记录")).to_be_visible()

    todays = (
        "query($c: String!, $r: ID!, $d: Date!) { visits(community: $c, filter: {residentId: $r, since: $d}) "
        "{ edges { node { id at outcome withdrawn } } } }"
    )
    visits = graphql(staff_token, todays, c=web_community, r=elder, d=TODAY.isoformat())["data"]["visits"]["edges"]
    assert [(v["node"]["outcome"], v["node"]["withdrawn"]) for v in visits] == [("OK", False)]
    assert visits[0]["node"]["at"].startswith(TODAY.isoformat())
    expect(page.locator(f"[data-resident-id='{elder}'] .gc-badge")).to_have_count(0)  # no longer due

    page.get_by_role("button", name="撤回").click()
    expect(page.get_by_text("已撤回")).to_be_visible()
    withdrawn = graphql(staff_token, todays, c=web_community, r=elder, d=TODAY.isoformat())["data"]["visits"]["edges"]
    assert [v["node"]["withdrawn"] for v in withdrawn] == [True]


def elders_of(graphql, token: str, community: str, count: int) -> list[dict]:
    return [
        e["node"]
        for e in graphql(
            token,
            "query($c: String!, $n: Int!) { residents(community: $c, filter: {minAge: 80}, first: $n) "
            "{ edges { node { id name } } } }",
            c=community,
            n=count,
        )["data"]["residents"]["edges"]
    ]


def test_a_scan_of_an_elders_qr_page_makes_the_banner_appear(open_page, staff_token, graphql, server, web_community):
    page = open_page()
    sign_in(page, staff_token)
    page.get_by_test_id("live-status").wait_for()
    # a scan in the instant the stream opens may precede the subscription: then the next elder's scan is heard
    for elder in elders_of(graphql, staff_token, web_community, 3):
        issued = graphql(
            staff_token,
            "mutation($id: ID!) { issueQrCode(residentId: $id) { ... on QrCodePayload { path } } }",
            id=elder["id"],
        )
        finder = httpx.get(f"{server}{issued['data']['issueQrCode']['path']}", timeout=WAIT)
        assert finder.status_code == 200
        banner = page.get_by_test_id("scan-banner").filter(has_text=elder["name"])
        try:
            banner.wait_for(timeout=20_000)
            break
        except Exception:
            continue
    expect(banner).to_contain_text("走失告警")
    expect(banner.get_by_role("link", name="查看档案和联系人")).to_be_visible()
    screenshot(page, "scan-banner-desktop")


def test_a_revoked_token_brings_back_the_sign_in_page(open_page, issue_token, graphql, gridcare):
    token = issue_token("staff")
    page = open_page()
    sign_in(page, token)
    page.get_by_test_id("uncovered-elders").wait_for()
    token_id = graphql(token, "{ me { tokenId } }")["data"]["me"]["tokenId"]
    gridcare("token", "revoke", token_id, check=True)
    # the next page asked with the revoked token (the console's own alert streams may notice it first and take
    # the menu away, so the test goes to the page by its address, not by the menu)
    page.goto("/posts")
    page.get_by_test_id("token-input").wait_for()
    expect(page.get_by_role("alert")).to_contain_text("已被撤销")
    assert page.evaluate("sessionStorage.getItem('gridcare.token')") is None


def test_sensitive_fields_are_read_on_a_click_and_each_read_is_logged(
    open_page, staff_token, graphql, web_community, store
):
    rows = store.read(
        "a_resident_with_notes",
        "MATCH (r:Resident {community: $c})-[:HAS_HEALTH_RECORD]->() RETURN r.id AS id LIMIT 1",
        c=web_community,
    )
    resident = rows[0]["id"] if rows else elders_of(graphql, staff_token, web_community, 1)[0]["id"]

    def logged() -> int:
        return len(
            graphql(
                staff_token,
                "query($c: String!, $r: ID) { accessLog(community: $c, residentId: $r) { at } }",
                c=web_community,
                r=resident,
            )["data"]["accessLog"]
        )

    before = logged()
    page = open_page()
    sign_in(page, staff_token)
    page.goto(f"/residents/{resident.replace('/', '%2F')}")
    page.get_by_test_id("show-sensitive").wait_for()
    assert page.get_by_test_id("health-notes").count() == 0
    assert logged() == before  # opening the profile reads nothing sensitive
    page.get_by_test_id("show-sensitive").click()
    page.get_by_test_id("health-notes").wait_for()
    assert logged() == before + 1
    screenshot(page, "resident-desktop")


def test_a_ledger_upload_shows_every_row_error_before_anything_is_written_then_imports(
    open_page, issue_token, tmp_path, store, driver, database
):
    from tests.cli.test_import import ledger_sheets, write_csv_ledger

    community = f"上传测试-{uuid.uuid4().hex[:6]}"
    good = zipped(write_csv_ledger(tmp_path / "good", ledger_sheets()), tmp_path / "good.zip")
    sheets = {name: [list(row) for row in rows] for name, rows in ledger_sheets().items()}
    sheets["residents"][2][3] = "1945-13-45"  # a birth date that is not one, in the second data row
    bad = zipped(write_csv_ledger(tmp_path / "bad", sheets), tmp_path / "bad.zip")
    page = open_page()
    sign_in(page, issue_token("admin"))
    try:
        page.goto("/import")
        page.locator("#import-community").fill(community)
        page.locator("input[type=file]").set_input_files(str(bad))
        problems = page.get_by_test_id("ledger-problems")
        expect(problems).to_contain_text("residents")
        expect(problems.locator("tr.ant-table-row").first).to_contain_text("3")  # the row as Excel numbers it
        assert page.get_by_test_id("start-import").count() == 0
        assert not store.read("exists", "MATCH (r:Resident {community: $c}) RETURN r LIMIT 1", c=community)

        page.locator("input[type=file]").set_input_files(str(good))
        page.get_by_test_id("check-ok").wait_for()
        page.get_by_test_id("start-import").click()
        page.get_by_test_id("import-done").wait_for()
        written = store.read("count", "MATCH (r:Resident {community: $c}) RETURN count(r) AS n", c=community)
        assert written[0]["n"] == len(ledger_sheets()["residents"]) - 1
        screenshot(page, "import-desktop")
    finally:
        driver.execute_query("MATCH (n {community: $c}) DETACH DELETE n", c=community, database_=database)
        driver.execute_query("MATCH (n:Community {id: $c}) DETACH DELETE n", c=community, database_=database)


def zipped(folder, target):
    import zipfile

    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    return target


def test_keyboard_alone_signs_in_and_opens_a_figures_list(open_page, staff_token):
    page = open_page()
    page.goto("/")
    page.get_by_test_id("token-input").wait_for()
    page.keyboard.type(staff_token)  # the field has the focus when the page opens
    page.keyboard.press("Enter")
    page.get_by_test_id("uncovered-elders").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "gc-skip"
    for _ in range(40):  # through the header and the menu to the first figure, a link to its list
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('gc-figure')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/uncovered"
    page.keyboard.press("Enter")
    page.get_by_test_id("uncovered").wait_for()


def test_the_phone_page_is_made_for_older_eyes_and_fingers(open_page, issue_token, staff_token, graphql, web_community):
    page = open_page("phone")
    sign_in(page, unit_leader(issue_token, graphql, staff_token, web_community))
    page.get_by_test_id("my-elders").wait_for()
    sizes = page.locator("[data-testid=my-elder] .gc-big").evaluate_all(
        "buttons => buttons.map(b => { const r = b.getBoundingClientRect(); "
        "return [r.height, parseFloat(getComputedStyle(b).fontSize)] })"
    )
    assert sizes and all(height >= 48 and font >= 18 for height, font in sizes)
    body = page.locator(".gc-phone").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert body >= 18
