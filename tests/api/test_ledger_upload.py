"""The console's ledger upload (`api.ledger_upload`): the checks of `gridcare import`, over HTTP, before
anything is written; then one atomic import with its progress streamed. Staff and admins only, bounded."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest

from api import ledger_upload
from tests.cli.test_everyday_import import no_id_in
from tests.cli.test_import import ledger_sheets, write_csv_ledger, write_xlsx_ledger
from tests.conftest import DEMO_DAY
from tests.registers import everyday_register


def zipped(folder, names=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, (names or {}).get(file.name, file.name))
    return buffer.getvalue()


def broken_sheets() -> dict:
    sheets = {name: [list(row) for row in rows] for name, rows in ledger_sheets().items()}
    sheets["residents"][2][3] = "1945-13-45"  # A2's birth date, row 3 as Excel numbers it
    sheets["care"][1][1] = "A9"  # a care row naming nobody
    return sheets


def post(client, route: str, body: bytes, community: str | None = None):
    params = {"community": community} if community else None
    return client.post(f"/ledger/{route}", content=body, params=params, headers={"Content-Type": "application/zip"})


def residents_of(store, community: str) -> int:
    return store.read("n", "MATCH (r:Resident {community: $c}) RETURN count(r) AS n", c=community)[0]["n"]


@pytest.fixture
def fresh(driver, database):
    name = f"上传-{uuid.uuid4().hex[:8]}"
    yield name
    driver.execute_query("MATCH (n {community: $c}) DETACH DELETE n", c=name, database_=database)
    driver.execute_query("MATCH (n:Community {id: $c}) DETACH DELETE n", c=name, database_=database)


def test_a_check_lists_every_row_error_and_writes_nothing(client, store, tmp_path, fresh):
    answer = post(client, "check", zipped(write_csv_ledger(tmp_path / "bad", broken_sheets())), fresh)
    assert answer.status_code == 200
    report = answer.json()
    assert not report["ok"] and report["errors"] == len([p for p in report["problems"] if p["severity"] == "error"])
    where = {(p["sheet"], p["row"], p["column"]) for p in report["problems"]}
    assert ("residents", 3, "birth_date") in where
    assert any(p["sheet"] == "care" and p["row"] == 2 for p in report["problems"])
    assert report["rows"]["residents"] == 4  # the valid rows
    assert residents_of(store, fresh) == 0


def test_an_import_with_errors_writes_nothing(client, store, tmp_path, fresh):
    answer = post(client, "import", zipped(write_csv_ledger(tmp_path / "bad", broken_sheets())), fresh)
    assert answer.status_code == 422 and not answer.json()["ok"]
    assert residents_of(store, fresh) == 0


@pytest.mark.parametrize("form", ["zip", "xlsx"])
def test_a_clean_ledger_is_imported_with_its_progress(client, store, tmp_path, fresh, form):
    if form == "xlsx":
        body = write_xlsx_ledger(tmp_path / "ledger.xlsx", ledger_sheets()).read_bytes()
    else:
        body = zipped(write_csv_ledger(tmp_path / "good", ledger_sheets()))
    check = post(client, "check", body, fresh).json()
    assert check["ok"] and check["communities"] == [fresh] and check["rows"]["residents"] == 5
    answer = post(client, "import", body, fresh)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in answer.text.splitlines()]
    total = lines[0]["total"]
    done = [line["done"] for line in lines if "done" in line]
    assert total > 0 and done == sorted(done) and done[-1] == total
    summary = lines[-1]["summary"][fresh]
    assert summary["rows"] == total and summary["nodes_created"] > 0
    assert residents_of(store, fresh) == 5
    again = [json.loads(line) for line in post(client, "import", body, fresh).text.splitlines()]
    assert again[-1]["summary"][fresh]["nodes_created"] == 0  # as `gridcare import`: the same ledger changes nothing


class GbkName(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as the archivers of Chinese Windows write them."""

    def _encodeFilenameFlags(self):  # zipfile's own hook: the bytes of the name and the flags
        return self.filename.encode("gb18030"), self.flag_bits


def test_chinese_file_names_of_a_zip_made_on_windows_are_read(client, tmp_path, fresh):
    folder = write_csv_ledger(tmp_path / "good", ledger_sheets())
    names = {
        "residents.csv": "居民.csv",
        "leaders.csv": "职务.csv",
        "care.csv": "包保.csv",
        "volunteers.csv": "志愿者.csv",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.writestr(GbkName(names[file.name]), file.read_bytes())
    report = post(client, "check", buffer.getvalue(), fresh).json()
    assert report["ok"] and report["rows"] == {**report["rows"], "residents": 5, "leaders": 3, "care": 2}


def test_paths_inside_the_archive_are_flattened(client, tmp_path, fresh):
    folder = write_csv_ledger(tmp_path / "good", ledger_sheets())
    body = zipped(folder, {"residents.csv": "../../etc/residents.csv"})
    assert post(client, "check", body, fresh).json()["rows"]["residents"] == 5
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.parametrize(
    "body, status, says",
    [
        (b"name,birth\n", 415, "not an .xlsx workbook or a .zip"),
        (b"PK\x03\x04 broken", 400, "damaged"),
        (b"", 400, "empty"),
    ],
)
def test_what_is_not_a_ledger_is_refused_in_words(client, body, status, says):
    answer = post(client, "check", body)
    assert answer.status_code == status and says in answer.json()["error"] and answer.json()["request_id"]


def test_a_zip_without_csv_files_is_refused(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    answer = post(client, "check", buffer.getvalue())
    assert answer.status_code == 400 and "no .csv file" in answer.json()["error"]


def test_size_limits(client, monkeypatch):
    monkeypatch.setattr(ledger_upload, "MAX_UPLOAD", 1000)
    assert post(client, "check", b"PK\x03\x04" + b"x" * 2000).status_code == 413
    monkeypatch.setattr(ledger_upload, "MAX_UPLOAD", 20 * 1024 * 1024)
    monkeypatch.setattr(ledger_upload, "MAX_UNPACKED", 10_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("residents.csv", "0" * 1_000_000)  # a small zip that unpacks big
    answer = post(client, "check", buffer.getvalue())
    assert answer.status_code == 413 and "unpacks to more than" in answer.json()["error"]


@pytest.mark.parametrize("role", ["grid_leader", "unit_leader", "volunteer"])
def test_only_staff_and_admins_upload(app, authorized_client, seeded, tmp_path, store, role):
    token = {
        "grid_leader": {"scope": "grid:1", "resident": "A2"},
        "unit_leader": {"scope": "unit:1-2"},
        "volunteer": {"resident": "A2"},
    }[role]
    before = residents_of(store, seeded)
    with authorized_client(app, role=role, community=seeded, **token) as client:
        body = zipped(write_csv_ledger(tmp_path / "good", ledger_sheets()))
        for route in ("check", "import"):
            answer = post(client, route, body)
            assert answer.status_code == 403 and "staff" in answer.json()["error"]
    assert residents_of(store, seeded) == before


def test_staff_import_into_their_own_community_whatever_they_ask(app, authorized_client, seeded, tmp_path, store):
    with authorized_client(app, role="staff", community=seeded) as client:
        body = zipped(write_csv_ledger(tmp_path / "good", ledger_sheets()))
        report = post(client, "check", body, community="另一个社区").json()
    assert report["communities"] == [seeded]


def test_an_upload_needs_a_token(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as anonymous:
        assert anonymous.post("/ledger/check", content=b"PK\x03\x04").status_code == 401


def test_a_check_shows_how_a_register_was_understood_as_the_dry_run_does(client, gridcare, tmp_path, fresh):
    register = everyday_register(tmp_path / "台账.xlsx")
    answer = post(client, "check", register.path.read_bytes(), fresh)
    assert answer.status_code == 200 and answer.json()["ok"], answer.text
    understood = answer.json()["understanding"]
    sheets = {s["label"]: s for s in understood["sheets"]}
    five = sheets["5号楼"]
    assert (five["kind"], five["kind_zh"], five["building"]) == ("residents", "居民", "5")
    columns = {c["header"]: c for c in five["columns"]}
    assert (columns["家庭住址"]["column"], columns["家庭住址"]["how"]) == ("address", "synonym")
    assert columns["政治面貌"]["values"] == "political" and "中共党员" in columns["政治面貌"]["note"]
    assert columns["序号"]["how"] == "ignored" and columns["民族"]["how"] == "unknown"
    assert any(d["column"] == "resident_id" and "身份证号" in d["text"] for d in five["derived"])
    first = five["preview"][0]
    fields = {f["column"]: f["value"] for f in first["fields"]}
    assert first["row"] == 4 and re.fullmatch(r"R[0-9A-Z]{12}", fields["resident_id"])
    assert "****" in json.dumps(five["preview"], ensure_ascii=False)  # phones masked as the dry run masks them
    assert understood["totals"][fresh]["residents"] == register.counts(DEMO_DAY)["residents"]
    assert no_id_in(answer.text, register)
    # the same understanding the command line prints: every sheet, header and note
    done = gridcare("import", "--dry-run", register.path, "--community", fresh)
    for sheet in understood["sheets"]:
        assert f"表 sheet {sheet['label']} → {sheet['kind_zh']} {sheet['kind']}" in done.stdout
        for column in sheet["columns"]:
            assert re.search(rf"{re.escape(column['header'])} +\S*.*{re.escape(column['note'])}", done.stdout)
        for row in sheet["preview"]:
            masked = [f"{f['zh']} {f['value']}" for f in row["fields"] if f["column"] != "resident_id"]
            assert all(text in done.stdout for text in masked)
