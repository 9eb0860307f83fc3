"""Anti-wandering QR codes: issue, the public finder's page, scans, rotation, revocation, rate limits."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph import ids

ISSUE = """mutation($id: ID!) { issueQrCode(residentId: $id) {
  __typename ... on QrCodePayload { token path } ... on NotFound { kind } ... on Invalid { field } } }"""
SHOW_MEDICAL = """mutation($id: ID!) { setConsent(input: {residentId: $id, qrShowMedical: true}) { __typename } }"""
REVOKE = """mutation($id: ID!) { revokeQrCode(residentId: $id) { __typename } }"""
SCANS = "query($c: String!) { qrScans(community: $c) { residentId client } }"
LOG = "query($c: String!) { accessLog(community: $c) { residentId actor actorRole fields } }"


@pytest.fixture(scope="module")
def app(store, tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("home"), hotline="0431-12345678", qr_rate_per_client=5)
    return create_app(settings, store=store)


def issue(staff, resident):
    return staff.post("/graphql", json={"query": ISSUE, "variables": {"id": resident}}).json()["data"]["issueQrCode"]


def test_finder_page_shows_what_was_consented_and_records_the_scan(app, authorized_client, seeded):
    a1 = ids.resident_id(seeded, "A1")
    with authorized_client(app, role="staff", community=seeded) as staff:
        code = issue(staff, a1)
        shown = staff.post("/graphql", json={"query": SHOW_MEDICAL, "variables": {"id": a1}}).json()
        assert shown["data"]["setConsent"]["__typename"] == "ConsentPayload"
        assert code["__typename"] == "QrCodePayload" and len(code["token"]) >= 22 and "A1" not in code["token"]
        with TestClient(app, client=("198.51.100.1", 4000)) as finder:  # no token: the page is public
            page = finder.get(code["path"])
        scans = staff.post("/graphql", json={"query": SCANS, "variables": {"c": seeded}}).json()["data"]["qrScans"]
        log = staff.post("/graphql", json={"query": LOG, "variables": {"c": seeded}}).json()["data"]["accessLog"]
    assert page.status_code == 200 and "王秀英" in page.text and "高血压" in page.text
    # the medical alert the page served is a read of sensitive data: logged as the finder's page
    assert log == [{"residentId": a1, "actor": "QR finder page", "actorRole": "finder", "fields": ["healthNotes"]}]
    assert "0431-12345678" in page.text and "101" not in page.text  # no address without consent
    assert page.headers["Referrer-Policy"] == "no-referrer" and "noindex" in page.headers["X-Robots-Tag"]
    assert "<script" not in page.text.lower() and "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert [s["residentId"] for s in scans] == [a1] and "198.51.100.1" not in scans[0]["client"]


def test_rotation_and_revocation_kill_old_codes_at_once(app, authorized_client, seeded):
    a1 = ids.resident_id(seeded, "A1")
    with authorized_client(app, role="staff", community=seeded) as staff:
        first = issue(staff, a1)
        second = issue(staff, a1)
        with TestClient(app, client=("198.51.100.2", 4000)) as finder:
            old, new = finder.get(first["path"]), finder.get(second["path"])
            assert (
                staff.post("/graphql", json={"query": REVOKE, "variables": {"id": a1}}).json()["data"]["revokeQrCode"][
                    "__typename"
                ]
                == "QrRevoked"
            )
            revoked, guessed = finder.get(second["path"]), finder.get("/qr/AAAAAAAAAAAAAAAAAAAAAA")
    assert new.status_code == 200 and "王秀英" not in old.text
    assert old.status_code == revoked.status_code == guessed.status_code == 404
    assert old.text == revoked.text == guessed.text


def test_scans_are_rate_limited_per_client(app, authorized_client, seeded):
    with authorized_client(app, role="staff", community=seeded) as staff:
        code = issue(staff, ids.resident_id(seeded, "A3"))
    with TestClient(app, client=("198.51.100.3", 4000)) as finder:
        answers = [finder.get(code["path"]) for _ in range(7)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_codes_only_for_residents_in_reach(app, authorized_client, seeded, demo_community):
    with authorized_client(app, role="staff", community=demo_community) as stranger:
        assert issue(stranger, ids.resident_id(seeded, "A1"))["__typename"] == "NotFound"
        refused = stranger.post("/graphql", json={"query": SCANS, "variables": {"c": seeded}}).json()
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
