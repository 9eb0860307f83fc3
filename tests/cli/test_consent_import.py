"""`gridcare import` with the consent columns: flags land on the resident, a withdrawal removes notes."""

from tests.cli.test_import import RESIDENTS, ledger_sheets, write_csv_ledger

CONSENT_HEAD = ["健康信息同意", "二维码显示联系人", "二维码显示健康", "二维码显示住址"]


def with_consents(consents: dict[str, list[str]], notes: dict[str, str] | None = None):
    """The hand-written ledger, with consent cells per resident id (others empty) and notes replaced."""
    sheets = ledger_sheets()
    rows = [RESIDENTS[0] + CONSENT_HEAD]
    for row in RESIDENTS[1:]:
        row = list(row)
        if notes and row[0] in notes:
            row[-1] = notes[row[0]]
        rows.append(row + consents.get(row[0], ["", "", "", ""]))
    sheets["residents"] = rows
    return sheets


def stored(store, community, rid):
    records = store.read(
        "stored",
        "MATCH (r:Resident {community: $c, residentId: $rid}) OPTIONAL MATCH (r)-[:HAS_HEALTH_RECORD]->(h) "
        "RETURN r {.healthConsent, .qrShowContact, .qrShowMedical, .qrShowAddress} AS consent, h.notes AS notes",
        c=community,
        rid=rid,
    )
    return records[0]["consent"], records[0]["notes"]


def test_consents_land_and_a_withdrawal_removes_the_notes(store, gridcare, community, tmp_path):
    first = write_csv_ledger(tmp_path / "first", with_consents({"A1": ["是", "否", "是", ""]}))
    gridcare("import", first, "--community", community, check=True)
    assert stored(store, community, "A1") == (
        {"healthConsent": True, "qrShowContact": False, "qrShowMedical": True, "qrShowAddress": None},
        "高血压",
    )
    assert stored(store, community, "A2")[0]["healthConsent"] is None  # empty cell: not recorded

    unstated = write_csv_ledger(tmp_path / "unstated", ledger_sheets())  # no consent columns at all
    again = gridcare("import", unstated, "--community", community, check=True)
    assert "already up to date" in again.stdout
    assert stored(store, community, "A1")[0]["qrShowContact"] is False  # kept

    withdrawn = write_csv_ledger(tmp_path / "withdrawn", with_consents({"A1": ["否", "", "", ""]}, {"A1": ""}))
    gridcare("import", withdrawn, "--community", community, check=True)
    assert stored(store, community, "A1") == (
        {"healthConsent": False, "qrShowContact": False, "qrShowMedical": True, "qrShowAddress": None},
        None,
    )

    # while consent is false, notes in a ledger that does not state it are not stored
    gridcare("import", unstated, "--community", community, check=True)
    assert stored(store, community, "A1")[1] is None
    gridcare("import", first, "--community", community, check=True)  # consent given again: notes come back
    assert stored(store, community, "A1") == (
        {"healthConsent": True, "qrShowContact": False, "qrShowMedical": True, "qrShowAddress": None},
        "高血压",
    )


def test_notes_with_consent_withheld_write_nothing(gridcare, community, tmp_path):
    path = write_csv_ledger(tmp_path / "ledger", with_consents({"A1": ["否", "", "", ""]}))
    done = gridcare("import", path, "--community", community)
    assert done.returncode == 1 and "nothing was written" in done.stderr
    assert "residents, row 2, column health_notes" in done.stderr and "consent" in done.stderr
    assert "高血压" not in done.stdout + done.stderr
    assert gridcare("stats", "--community", community).returncode == 1  # no community was created
