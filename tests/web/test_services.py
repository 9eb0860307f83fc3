"""Home services, points and the register upload in a real browser against a real `gridcare serve`: the open
requests figure, the dispatch board (live, suggestions, accepting, refusals in words), the points ranking and
gift redemption (InsufficientPoints and OutOfStock in words), what volunteers and leaders are offered, and how an
everyday register was understood before it is imported. What the console shows is compared with what the
GraphQL API answers at the same moment."""

from __future__ import annotations

import json
import re
import uuid

import httpx
from playwright.sync_api import expect

from tests.web.conftest import ask_service, screenshot, sign_in

OPEN = """query($c: String!) { serviceRequests(community: $c, filter: {status: REQUESTED}, first: 0) { totalCount } }"""
REQUEST = "query($id: ID!) { serviceRequest(id: $id) { status provider { id name } } }"
SUGGESTIONS = """query($id: ID!) { dispatchSuggestions(requestId: $id, first: 5) {
  providerId proximity provider { residentId } } }"""
ACCEPT = """mutation($id: ID!, $p: ID) { acceptRequest(id: $id, providerId: $p) { __typename } }"""
BALANCE = "query($id: ID!) { pointsStatement(residentId: $id) { balance } }"
RANKING = "query($c: String!) { pointsRanking(community: $c, first: 20) { rank earned resident { id } } }"


def open_requests(graphql, token: str, community: str) -> int:
    return graphql(token, OPEN, c=community)["data"]["serviceRequests"]["totalCount"]


def confirm(page) -> None:
    """Say yes to the open confirmation (Ant Design spaces a two-character label: 确 定)."""
    page.locator(".ant-popconfirm:visible .ant-btn-primary").click()
    page.locator(".ant-popconfirm:visible").wait_for(state="hidden")


def hold_back_the_board(route) -> None:
    """Abort the board's subscription (and only it): the page then shows what it last asked."""
    if "serviceBoard" in (route.request.post_data or ""):
        route.abort()
    else:
        route.fallback()


def card(page, request_id: str):
    return page.locator(f"[data-testid=request-card][data-request-id='{request_id}']")


def test_the_open_requests_figure_is_what_the_api_says_and_opens_the_board(
    open_page, staff_token, graphql, web_community, services
):
    page = open_page()
    sign_in(page, staff_token)
    figure = page.get_by_test_id("open-requests")
    expect(figure).to_have_text(re.compile(r"^\d+$"))
    assert figure.inner_text() == str(open_requests(graphql, staff_token, web_community)) != "0"
    figure.click()
    page.get_by_test_id("dispatch").wait_for()
    expect(page.get_by_test_id("open-count")).to_contain_text(str(open_requests(graphql, staff_token, web_community)))
    expect(card(page, services["requests"][0])).to_be_visible()
    assert page.errors == []


def test_staff_give_a_request_to_a_suggested_volunteer(open_page, staff_token, graphql, web_community, services):
    request = ask_service(graphql, staff_token, services["earner"]["id"], "ERRANDS")
    page = open_page()
    sign_in(page, staff_token)
    page.goto("/dispatch")
    mine = card(page, request)
    mine.get_by_test_id("show-suggestions").click()
    suggestions = mine.get_by_test_id("suggestion")
    expect(suggestions.first).to_be_visible()
    best = graphql(staff_token, SUGGESTIONS, id=request)["data"]["dispatchSuggestions"][0]
    before = open_requests(graphql, staff_token, web_community)
    suggestions.first.get_by_test_id("accept-request").click()
    expect(page.get_by_text(re.compile("^已派给"))).to_be_visible()
    expect(mine).to_have_count(0)  # no longer open: off the board
    stored = graphql(staff_token, REQUEST, id=request)["data"]["serviceRequest"]
    assert stored["status"] == "ACCEPTED" and stored["provider"]["id"] == best["providerId"]
    assert open_requests(graphql, staff_token, web_community) == before - 1
    page.get_by_role("link", name="总览", exact=True).click()
    expect(page.get_by_test_id("open-requests")).to_have_text(str(before - 1))
    assert page.errors == []


def test_the_board_is_live_and_a_refusal_is_said_in_words(open_page, staff_token, graphql, web_community, services):
    page = open_page()
    sign_in(page, staff_token)
    page.goto("/dispatch")
    page.get_by_test_id("open-count").wait_for()
    asked = ask_service(graphql, staff_token, services["earner"]["id"], "MEDICINE")
    expect(card(page, asked)).to_be_visible()  # the serviceBoard subscription brought it
    screenshot(page, "dispatch-desktop")

    # taken by someone else while the board still shows it: the board's stream is held back to see the refusal
    page.route("**/graphql", hold_back_the_board)
    page.reload()
    mine = card(page, asked)
    mine.get_by_test_id("show-suggestions").click()
    expect(mine.get_by_test_id("suggestion").first).to_be_visible()
    others = graphql(staff_token, SUGGESTIONS, id=asked)["data"]["dispatchSuggestions"]
    taken = graphql(staff_token, ACCEPT, id=asked, p=others[-1]["providerId"])
    assert taken["data"]["acceptRequest"]["__typename"] == "RequestPayload"
    mine.get_by_test_id("accept-request").first.click()
    expect(page.get_by_text("不能接单：这件事现在已被接单。", exact=False)).to_be_visible()
    provider = graphql(staff_token, REQUEST, id=asked)["data"]["serviceRequest"]["provider"]
    assert provider["id"] == others[-1]["providerId"]  # nothing changed by the refused click
    assert page.errors == []


def test_a_volunteer_takes_an_open_request_of_their_grid_and_sees_no_office_views(
    open_page, issue_token, staff_token, graphql, web_community, services
):
    member, elder = volunteer_and_neighbour(graphql, staff_token, web_community)
    request = ask_service(graphql, staff_token, elder, "MEALS")
    volunteer = issue_token("volunteer", resident=member["residentId"])
    page = open_page("phone")
    sign_in(page, volunteer)
    page.goto("/dispatch")
    page.get_by_test_id("open-count").wait_for()
    shown = page.get_by_test_id("request-card")
    expect(shown.first).to_be_visible()
    assert str(open_requests(graphql, volunteer, web_community)) in page.get_by_test_id("open-count").inner_text()
    assert page.get_by_test_id("show-suggestions").count() == 0  # dispatchSuggestions is for staff and leaders
    page.get_by_test_id("sign-out").wait_for()
    assert page.locator("#gc-menu a[href='/overview']").count() == 0
    card(page, request).get_by_role("button", name="我来接单").click()
    expect(page.get_by_text("已接单：配餐")).to_be_visible()
    stored = graphql(staff_token, REQUEST, id=request)["data"]["serviceRequest"]
    assert stored["status"] == "ACCEPTED" and stored["provider"]["id"] == member["id"]
    screenshot(page, "dispatch-volunteer-phone")
    assert page.errors == []


def volunteer_and_neighbour(graphql, token: str, community: str) -> tuple[dict, str]:
    """A member of a volunteer team, and an elder of their building (so of their grid) who is not them."""
    teams = graphql(
        token,
        "query($c: String!) { community(name: $c) { volunteerTeams { "
        "members { id residentId building { number } } } } }",
        c=community,
    )["data"]["community"]["volunteerTeams"]
    for member in (m for t in teams for m in t["members"] if m["building"]):
        elders = graphql(
            token,
            "query($c: String!, $b: String!) { residents(community: $c, filter: {building: $b, minAge: 70}, first: 5) "
            "{ edges { node { id } } } }",
            c=community,
            b=member["building"]["number"],
        )["data"]["residents"]["edges"]
        others = [e["node"]["id"] for e in elders if e["node"]["id"] != member["id"]]
        if others:
            return member, others[0]
    raise AssertionError("no volunteer with an elder in their building")


def test_points_ranking_and_redeeming_a_gift_with_refusals_in_words(
    open_page, staff_token, graphql, web_community, services
):
    earner = services["earner"]
    page = open_page()
    sign_in(page, staff_token)
    page.goto("/points")
    ranking = page.get_by_test_id("ranking")
    row = ranking.locator("tr.ant-table-row", has=page.get_by_role("link", name=earner["name"]))
    ranked = graphql(staff_token, RANKING, c=web_community)["data"]["pointsRanking"]
    expected = next(e for e in ranked if e["resident"] and e["resident"]["id"] == earner["id"])
    expect(row.first).to_contain_text(str(expected["earned"]))
    row.first.get_by_test_id("pick-resident").click()
    balance = graphql(staff_token, BALANCE, id=earner["id"])["data"]["pointsStatement"]["balance"]
    expect(page.get_by_test_id("balance")).to_have_attribute("data-points", str(balance))

    shelf = page.get_by_test_id("gift-shelf")
    redeem = lambda gift: shelf.locator("tr.ant-table-row", has_text=gift).get_by_test_id("redeem")  # noqa: E731
    redeem("电饭煲").click()
    confirm(page)
    expect(page.get_by_text(f"积分不足：现有{balance}分，需要300分。")).to_be_visible()

    redeem("毛巾").click()
    confirm(page)
    expect(page.get_by_text(f"已为{earner['name']}兑换毛巾，扣除5积分。")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_attribute("data-points", str(balance - 5))
    assert graphql(staff_token, BALANCE, id=earner["id"])["data"]["pointsStatement"]["balance"] == balance - 5
    expect(shelf.locator("tr.ant-table-row", has_text="毛巾")).to_contain_text("已兑完")

    redeem("毛巾").click()
    confirm(page)
    expect(page.get_by_text("毛巾已兑完，礼品架上暂无库存。")).to_be_visible()
    assert graphql(staff_token, BALANCE, id=earner["id"])["data"]["pointsStatement"]["balance"] == balance - 5
    screenshot(page, "points-desktop")
    assert page.errors == []


def test_a_leader_redeems_for_themselves_only(open_page, issue_token, staff_token, graphql, web_community):
    from tests.web.test_console import unit_leader

    page = open_page("phone")
    sign_in(page, unit_leader(issue_token, graphql, staff_token, web_community))
    page.goto("/points")
    page.get_by_test_id("points").wait_for()
    expect(page.get_by_test_id("balance")).to_contain_text("我现有")
    assert page.get_by_test_id("resident-picker").count() == 0
    assert page.get_by_test_id("pick-resident").count() == 0
    assert page.errors == []


def test_an_everyday_register_is_shown_as_understood_before_it_is_imported(
    open_page, issue_token, tmp_path, server, store
):
    from tests.cli.test_everyday_import import no_id_in
    from tests.registers import everyday_register
    from tests.web.test_quality import serious_violations

    community = f"台账-{uuid.uuid4().hex[:6]}"
    register = everyday_register(tmp_path / "长山花园社区居民信息台账.xlsx")
    admin = issue_token("admin")
    checked = httpx.post(
        f"{server}/ledger/check",
        params={"community": community},
        content=register.path.read_bytes(),
        headers={"Authorization": f"Bearer {admin}"},
        timeout=120,
    ).json()["understanding"]
    page = open_page(bypass_csp=True)
    sign_in(page, admin)
    page.goto("/import")
    page.locator("#import-community").fill(community)
    page.locator("input[type=file]").set_input_files(str(register.path))
    understood = page.get_by_test_id("understanding")
    expect(understood).to_be_visible()
    five = understood.locator("[data-testid=sheet-understood][data-sheet='5号楼']")
    expect(five.locator("h3")).to_have_text("表“5号楼”→ 居民 residents")
    address = five.get_by_test_id("columns-understood").locator("tr.ant-table-row", has_text="家庭住址")
    expect(address).to_contain_text("住址 address")
    expect(address).to_contain_text("同义表头")
    columns = five.get_by_test_id("columns-understood")
    expect(columns.locator("tr.ant-table-row", has_text="民族")).to_contain_text("未识别")
    expect(five.get_by_test_id("derived")).to_contain_text("居民编号 resident_id ← 身份证号")
    # the first rows as the check's JSON gives them, masked as the dry run masks them
    sheet = next(s for s in checked["sheets"] if s["label"] == "5号楼")
    rows = five.get_by_test_id("preview-row")
    expect(rows).to_have_count(len(sheet["preview"]))
    for shown, row in zip(rows.all(), sheet["preview"]):
        for field in row["fields"]:
            expect(shown.locator(f"[data-column='{field['column']}']")).to_have_text(field["value"])
    assert "****" in json.dumps(sheet["preview"], ensure_ascii=False)
    expect(understood.get_by_test_id("would-import")).to_contain_text(f"{len(register.people)}位居民")
    assert no_id_in(page.locator("main").inner_text(), register)
    assert not store.read("r", "MATCH (r:Resident {community: $c}) RETURN r LIMIT 1", c=community)
    screenshot(page, "import-understood-desktop")
    assert serious_violations(page) == []
    assert page.errors == []
