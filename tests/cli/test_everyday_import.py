"""Registers as offices keep them (居民信息台账), through the real `gridcare import` and the real Neo4j: one sheet per
building with merged grid cells, ids only, one address column in mixed forms, signed footers; exact counts, a
second import that changes nothing, a dry run that writes nothing, contradictions and bad addresses by row, and
never a national id in clear."""

import csv
import json
import re

import pytest

from api.secrets import national_id_hasher
from api.settings import Settings
from loaders.identity import derived_key
from tests.cli.test_import import snapshot
from tests.conftest import DEMO_DAY
from tests.registers import FOOTER, Sheet, everyday_register, people, write_register

KEY = re.compile(r"R[0-9A-HJKMNP-TV-Z]{12}")


def stats(gridcare, community):
    done = gridcare("stats", "--community", community, "--as-of", DEMO_DAY.isoformat(), "--format", "json", check=True)
    return json.loads(done.stdout)


def counted(s):
    keys = ("residents", "households", "buildings", "units", "grids", "party_member_households", "elders")
    return {k: s[k] for k in keys}


def no_id_in(text, register):
    """No national id of the register, nor its first 14 characters (region and birth date), in ``text``."""
    folded = text.upper()
    return not any(p.id[:14] in folded or p.id[-8:] in folded for p in register.people)


def test_an_everyday_register_imports_as_it_is_and_again_changes_nothing(
    store, gridcare, driver, database, community, tmp_path, gridcare_home
):
    register = everyday_register(tmp_path / "长山花园社区居民信息台账.xlsx")
    done = gridcare("import", register.path, "--community", community, check=True)
    assert no_id_in(done.stdout + done.stderr, register)
    expected = register.counts(DEMO_DAY)
    assert expected == {  # the register's own numbers, as its people were written
        "residents": 72,
        "households": 36,
        "buildings": 3,
        "units": 6,
        "grids": 2,
        "party_member_households": 21,
        "elders": 31,
    }
    assert counted(stats(gridcare, community)) == expected
    # one footer warning for the whole register, the unknown columns said once
    assert len([line for line in done.stderr.splitlines() if "rows after the data" in line]) == 1
    assert "5号楼 row 31; 7栋 row 28; 9幢 rows 27–28" in done.stderr
    assert done.stderr.count("column 备注: unknown column") == 1

    records, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c}) RETURN r.residentId AS rid, r.nationalIdHash AS hash, r.name AS name, "
        "r.birthDate AS born, r.gender AS gender, r.partyMember AS member, r.livesAlone AS alone",
        c=community,
        database_=database,
    )
    hasher = national_id_hasher(Settings(home=gridcare_home))
    by_hash = {r["hash"]: r for r in records}
    for p in register.people:
        stored = by_hash[hasher(p.id)]
        assert stored["rid"] == derived_key(hasher, p.id) and KEY.fullmatch(stored["rid"])
        assert (stored["name"], stored["born"].to_native(), stored["gender"]) == (p.name, p.born, p.gender)
        assert (stored["member"], stored["alone"]) == (p.party_member, p.alone)
    everything = json.dumps(snapshot(store, community), ensure_ascii=False)
    assert no_id_in(everything, register)

    before = snapshot(store, community)
    again = gridcare("import", register.path, "--community", community, check=True)
    assert "already up to date" in again.stdout
    assert snapshot(store, community) == before


def test_the_dry_run_shows_what_it_understood_and_writes_nothing(gridcare, community, tmp_path):
    register = everyday_register(tmp_path / "台账.xlsx")
    done = gridcare("import", "--dry-run", register.path, "--community", community, "--as-of", DEMO_DAY.isoformat())
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "表 sheet 5号楼 → 居民 residents (楼栋 building 5 from its name or title)" in out
    assert re.search(r"家庭住址 +→ 住址 address \(synonym", out)
    assert re.search(r"政治面貌 +→ 党员 party_member \(synonym 同义表头; 政治面貌: 中共党员", out)
    assert re.search(r"序号 +ignored", out) and re.search(r"民族 +unknown, ignored", out)
    assert "居民编号 resident_id ← 身份证号" in out
    assert re.search(r"row 4: 居民编号 R[0-9A-Z]{12} · 姓名 \S+ · 出生日期 \d{4}-\d\d-\d\d", out)
    assert "身份证号 (given)" in out and "139****0001" in out
    counts = register.counts(DEMO_DAY)
    assert (
        f"居民 residents {counts['residents']}, 户 households {counts['households']}, 楼栋 buildings 3, "
        f"单元 units 6, 网格 grids 2, 党员家庭户 party member households {counts['party_member_households']}, "
        f"60岁以上 elders {counts['elders']}"
    ) in out
    assert "Nothing was written (dry run)" in done.stderr
    assert no_id_in(out + done.stderr, register)
    listed = gridcare("stats", "--community", community)
    assert listed.returncode == 1 and "no community named" in listed.stderr


def test_a_contradicting_birth_date_and_an_unreadable_address_are_named_by_row(gridcare, community, tmp_path):
    everyone = people()
    in_7 = [p for p in everyone if p.building == 7]
    in_5 = [p for p in everyone if p.building == 5]
    wrong_birth = next(p for i, p in enumerate(in_7) if i % 4)  # a row whose 出生年月 is written
    bad_home = in_5[5]
    register = everyday_register(tmp_path / "台账.xlsx", faults={wrong_birth.name: "birth", bad_home.name: "address"})
    birth_row = 3 + in_7.index(wrong_birth)
    address_row = 4 + in_5.index(bad_home)
    for args in (("--dry-run",), ()):
        done = gridcare("import", *args, register.path, "--community", community)
        assert done.returncode == 1
        assert f"error: 7栋, row {birth_row}, column birth_date: 出生日期 | birth_date contradicts" in done.stderr
        assert "身份证号 | national_id" in done.stderr
        bad = f"长山花园5栋{bad_home.room}室"
        line = next(x for x in done.stderr.splitlines() if x.startswith(f"error: 5号楼, row {address_row}, "))
        assert line.startswith(f"error: 5号楼, row {address_row}, column address: cannot read the address")
        assert line.endswith(f"('{bad}')")
        assert "2 error(s)" in done.stderr and no_id_in(done.stdout + done.stderr, register)
    listed = gridcare("stats", "--community", community)
    assert listed.returncode == 1 and "no community named" in listed.stderr

    done = gridcare("import", register.path, "--community", community, "--skip-bad-rows", check=True)
    report = next(tmp_path.glob("*.rejected.csv")).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(report.splitlines()))
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("5号楼 (居民 residents)", str(address_row)),
        ("7栋 (居民 residents)", str(birth_row)),
    ]
    assert no_id_in(report, register) and "**************" in report
    assert stats(gridcare, community)["residents"] == 70


def test_a_header_the_importer_does_not_know_is_read_with_map(gridcare, community, tmp_path):
    everyone = [p for p in people() if p.building == 9]
    header = ["姓名", "身份证号", "居住楼房", "网格"]
    rows = [[p.name, p.id, f"{p.building}-{p.unit}-{p.room}", "第四网格"] for p in everyone]
    path = write_register(tmp_path / "9.xlsx", [Sheet("9号楼", [header, *rows, [], FOOTER])])
    done = gridcare("import", path, "--community", community)
    assert done.returncode == 1
    assert "column 居住楼房: unknown column" in done.stderr and "required column 单元 | unit is missing" in done.stderr
    done = gridcare("import", path, "--community", community, "--map", "居住楼房=address", check=True)
    assert stats(gridcare, community)["residents"] == len(everyone)
    bad = gridcare("import", path, "--community", community, "--map", "居住楼房=楼房")
    assert bad.returncode == 2 and "no column named '楼房'" in bad.stderr


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_csv_files_named_after_buildings(gridcare, community, tmp_path, encoding):
    folder = tmp_path / "台账"
    folder.mkdir()
    everyone = [p for p in people() if p.building in (5, 7)]
    for building in (5, 7):
        with open(folder / f"{building}号楼.csv", "w", newline="", encoding=encoding) as f:
            writer = csv.writer(f)
            writer.writerow([f"长山花园社区{building}号楼居民台账"])
            writer.writerow(["序号", "网格", "姓名", "身份证号", "现住址", "政治面貌"])
            for i, p in enumerate(x for x in everyone if x.building == building):
                writer.writerow(
                    [
                        i + 1,
                        f"第{'三' if p.grid == 3 else '四'}网格",
                        p.name,
                        p.id,
                        f"{p.unit}单元{p.room}",
                        p.political,
                    ]
                )
            writer.writerow([])
            writer.writerow(FOOTER)
    gridcare("import", folder, "--community", community, check=True)
    s = stats(gridcare, community)
    assert (s["residents"], s["buildings"], s["grids"]) == (len(everyone), 2, 2)
