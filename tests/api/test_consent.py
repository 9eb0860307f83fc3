"""Per-resident consents over GraphQL: `Resident.consent`, `setConsent`, and the QR finder page that follows them."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph import ids
from tests.cli.test_import import RESIDENTS, ledger_sheets, write_csv_ledger

CONSENT = "query($id: ID!) { resident(id: $id) { consent { health qrShowContact qrShowMedical qrShowAddress } } }"
NOTES = "query($id: ID!) { resident(id: $id) { healthNotes } }"
SET = """mutation($input: SetConsentInput!) { setConsent(input: $input) {
  __typename
  ... on ConsentPayload { healthNotesDeleted resident { id healthNotes
                          consent { health qrShowContact qrShowMedical qrShowAddress } } }
  ... on NotFound { kind id } ... on Invalid { field reason } } }"""
ISSUE = "mutation($id: ID!) { issueQrCode(residentId: $id) { ... on QrCodePayload { path } } }"
DEFAULTS = {"health": None, "qrShowContact": True, "qrShowMedical": False, "qrShowAddress": False}


@pytest.fixture(scope="module")
def app(store, tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("home"), hotline="0431-12345678")
    return create_app(settings, store=store)


@pytest.fixture
def family(store, community, tmp_path):
    """The seeded ledger, with emergency contacts for A1 (王秀英, health notes 高血压) and A2."""
    from loaders.ledger import read_ledger
    from loaders.writer import plan_import, write_plan

    sheets = ledger_sheets()
    sheets["residents"] = [
        RESIDENTS[0] + ["紧急联系人", "紧急联系电话"],
        RESIDENTS[1] + ["李娜", "13800001111"],
        RESIDENTS[2] + ["李强", "13900001111"],
        *(row + ["", ""] for row in RESIDENTS[3:]),
    ]
    ledger = read_ledger(write_csv_ledger(tmp_path / "ledger", sheets), community)
    assert ledger.errors == []
    write_plan(store, plan_import(ledger, hash_national_id=lambda s: "h"))
    return community


def post(client, query, **variables):
    return client.post("/graphql", json={"query": query, "variables": variables}).json()


def set_consent(client, resident, **flags):
    return post(client, SET, input={"residentId": resident, **flags})["data"]["setConsent"]


def stored(store, resident):
    """The consent properties and health notes as stored."""
    records = store.read(
        "stored",
        "MATCH (r:Resident {id: $id}) OPTIONAL MATCH (r)-[:HAS_HEALTH_RECORD]->(h:HealthRecord) "
        "RETURN r {.healthConsent, .qrShowContact, .qrShowMedical, .qrShowAddress} AS consent, h.notes AS notes",
        id=resident,
    )
    return records[0]["consent"], records[0]["notes"]


def test_defaults_then_a_change_keeps_what_is_left_out(app, authorized_client, seeded):
    a1 = ids.resident_id(seeded, "A1")
    with authorized_client(app, role="staff", community=seeded) as staff:
        before = post(staff, CONSENT, id=a1)["data"]["resident"]["consent"]
        first = set_consent(staff, a1, health=True, qrShowAddress=True)
        second = set_consent(staff, a1, qrShowContact=False)
        after = post(staff, CONSENT, id=a1)["data"]["resident"]["consent"]
    assert before == DEFAULTS
    assert first["__typename"] == "ConsentPayload" and first["healthNotesDeleted"] is False
    assert first["resident"]["consent"] == {**DEFAULTS, "health": True, "qrShowAddress": True}
    assert second["resident"]["healthNotes"] == "高血压"  # consent given: the notes stay
    assert after == {"health": True, "qrShowContact": False, "qrShowMedical": False, "qrShowAddress": True}


def test_withdrawing_health_consent_deletes_the_notes(store, app, authorized_client, seeded):
    a1 = ids.resident_id(seeded, "A1")
    with authorized_client(app, role="staff", community=seeded) as staff:
        assert post(staff, NOTES, id=a1)["data"]["resident"]["healthNotes"] == "高血压"
        withdrawn = set_consent(staff, a1, health=False)
        notes = post(staff, NOTES, id=a1)["data"]["resident"]["healthNotes"]
        again = set_consent(staff, a1, health=False)
        cleared = set_consent(staff, a1, health=None)
    assert withdrawn["healthNotesDeleted"] is True and withdrawn["resident"]["healthNotes"] is None
    assert withdrawn["resident"]["consent"]["health"] is False and notes is None
    assert again["healthNotesDeleted"] is False
    assert cleared["resident"]["consent"]["health"] is None  # null: back to "not recorded"
    consent, stored_notes = stored(store, a1)
    assert stored_notes is None and consent["healthConsent"] is None


def test_the_finder_page_follows_the_consents_at_once(app, authorized_client, family):
    a1, a2 = ids.resident_id(family, "A1"), ids.resident_id(family, "A2")
    with (
        authorized_client(app, role="staff", community=family) as staff,
        TestClient(app, client=("198.51.100.9", 4000)) as finder,
    ):
        path = post(staff, ISSUE, id=a1)["data"]["issueQrCode"]["path"]
        set_consent(staff, a1, health=True)
        default = finder.get(path).text
        set_consent(staff, a1, qrShowContact=False, qrShowMedical=True, qrShowAddress=True)
        everything = finder.get(path).text
        set_consent(staff, a1, health=False)
        withdrawn = finder.get(path).text
        other = finder.get(post(staff, ISSUE, id=a2)["data"]["issueQrCode"]["path"]).text
    assert "王秀英" in default and "13800001111" in default  # the contact is shown by default
    assert "高血压" not in default and "101" not in default
    assert "13800001111" not in everything and "高血压" in everything and "1号楼1单元101室" in everything
    assert "高血压" not in withdrawn and "1号楼1单元101室" in withdrawn  # no notes left to show
    assert "13900001111" in other and "13800001111" not in other


def test_refusals_write_nothing(store, app, authorized_client, seeded, demo_community):
    a1 = ids.resident_id(seeded, "A1")
    before = stored(store, a1)
    with authorized_client(app, role="staff", community=seeded) as staff:
        unknown = set_consent(staff, ids.resident_id(seeded, "A99"), health=False)
        invalid = set_consent(staff, a1, health=False, qrShowContact=None)
    with authorized_client(app, role="staff", community=demo_community) as stranger:
        elsewhere = set_consent(stranger, a1, health=False)
    with authorized_client(app, role="volunteer", community=seeded, resident="A2") as volunteer:
        answer = volunteer.post(
            "/graphql", json={"query": SET, "variables": {"input": {"residentId": a1, "health": False}}}
        )
    assert unknown == {"__typename": "NotFound", "kind": "resident", "id": ids.resident_id(seeded, "A99")}
    assert invalid["__typename"] == "Invalid" and invalid["field"] == "qrShowContact"
    assert elsewhere["__typename"] == "NotFound"
    assert "ConsentPayload" not in answer.text  # volunteers do not record consents
    assert (
        stored(store, a1)
        == before
        == ({"healthConsent": None, "qrShowContact": None, "qrShowMedical": None, "qrShowAddress": None}, "高血压")
    )
