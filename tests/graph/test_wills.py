"""The will registry in the store: metadata only, superseded and revoked, every read logged; the offer list."""

from __future__ import annotations

from datetime import date

import pytest

from graph.cases import Actor
from graph.communities import delete_community
from graph.errors import Conflict, Invalid
from graph.sensitive import Reader, access_log
from graph.wills import register_will, revoke_will, will_offers, wills_in, wills_of

OFFICE = Actor("office", "staff", "tok-office")
READER = Reader("office", "staff", "tok-office", "req-1")


def test_a_later_will_supersedes_and_every_read_is_logged(store, town, rid):
    first = register_will(store, rid("A1"), date(2022, 3, 1), "社区档案室保险柜", ["李建国", "刘凤霞"], OFFICE)
    second = register_will(store, rid("A1"), date(2025, 9, 9), "公证处", ["张桂兰"], OFFICE)
    found = wills_of(store, [rid("A1"), rid("A3")], READER)
    assert [w.id for w in found[rid("A1")]] == [second.id, first.id] and found[rid("A3")] == []
    old = found[rid("A1")][1]
    assert (old.superseded_on, old.superseded_by, old.in_force) == (date(2025, 9, 9), second.id, False)
    logged = access_log(store, town)
    assert {(e.resident, e.fields) for e in logged} == {(rid("A1"), ("will",)), (rid("A3"), ("will",))}
    assert [w.id for w in wills_in(store, town, date(2025, 1, 1), date(2025, 12, 31), READER)] == [second.id]


def test_revoking_and_what_is_refused(store, town, rid):
    will = register_will(store, rid("A1"), date(2024, 1, 5), "社区档案室", [], OFFICE)
    with pytest.raises(Invalid):
        register_will(store, rid("A1"), date(2023, 1, 5), "社区档案室", [], OFFICE)  # older than the one in force
    with pytest.raises(Invalid):
        register_will(store, rid("A1"), date(2027, 1, 5), "社区档案室", [], OFFICE)  # in the future
    revoked = revoke_will(store, will.id, date(2025, 2, 2), OFFICE)
    assert revoked.revoked_on == date(2025, 2, 2) and not revoked.in_force
    with pytest.raises(Conflict):
        revoke_will(store, will.id, date(2025, 3, 3), OFFICE)


def test_the_offer_list_names_solitary_elders_of_age_without_a_will(store, town, rid):
    assert will_offers(store, town, 75, READER) == [rid("A1")]  # A1, 85, lives alone; A3 (74) is younger
    register_will(store, rid("A1"), date(2024, 1, 5), "社区档案室", [], OFFICE)
    assert will_offers(store, town, 75, READER) == []
    assert will_offers(store, town, 70, READER) == []  # A3 does not live alone in the ledger
    assert any(e.fields == ("willOffer",) for e in access_log(store, town))


def test_deleting_a_community_deletes_its_cases_points_and_wills(store, town, rid):
    from graph.points import award_good_deed
    from graph.requests import NewRequest, ask_request

    register_will(store, rid("A1"), date(2024, 1, 5), "社区档案室", [], OFFICE)
    award_good_deed(store, rid("A4"), 5, "扫雪", key="k", actor=OFFICE)
    ask_request(store, NewRequest(rid("A1"), "meals"), OFFICE)
    delete_community(store, town)
    left = store.read("left", "MATCH (n {community: $c}) RETURN count(n) AS n", c=town)[0]["n"]
    assert left == 0
