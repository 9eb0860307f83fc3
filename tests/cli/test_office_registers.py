"""Registers made the way different offices make them (tests/office_registers.py), through the real `gridcare
import` and the real Neo4j: the exact counts, computed from the registers' own people; a second import that
changes nothing; a dry run that writes nothing and foresees the same counts; the mistakes of real registers
named by row, an id Excel stored as a number among them."""

import json
import re

import pytest

from api.secrets import national_id_hasher
from api.settings import Settings
from tests.cli.test_import import snapshot
from tests.conftest import DEMO_DAY
from tests.office_registers import expected, office_a, office_b, office_c

KEYS = ("residents", "households", "buildings", "units", "grids", "party_member_households", "elders")
DRY_COUNTS = re.compile(
    r"居民 residents (\d+), 户 households (\d+), 楼栋 buildings (\d+), 单元 units (\d+), 网格 grids (\d+), "
    r"党员家庭户 party member households (\d+), 60岁以上 elders (\d+)"
)


def stats(gridcare, community):
    done = gridcare("stats", "--community", community, "--as-of", DEMO_DAY.isoformat(), "--format", "json", check=True)
    counts = json.loads(done.stdout)
    return {k: counts[k] for k in KEYS}


def nothing_written(gridcare, community):
    listed = gridcare("stats", "--community", community)
    return listed.returncode == 1 and "no community named" in listed.stderr


@pytest.mark.parametrize("office", [office_a, office_b], ids=["titles-two-row-header", "one-address-column"])
def test_an_office_register_imports_as_it_is_and_again_changes_nothing(
    office, store, gridcare, driver, database, community, tmp_path, gridcare_home
):
    path, people = office(tmp_path / "长山花园社区居民信息台账.xlsx")
    want = expected(people, DEMO_DAY)

    dry = gridcare("import", "--dry-run", path, "--community", community, "--as-of", DEMO_DAY.isoformat())
    assert dry.returncode == 0, dry.stderr
    [foreseen] = DRY_COUNTS.findall(dry.stdout)
    assert dict(zip(KEYS, map(int, foreseen))) == want
    assert "Nothing was written (dry run)" in dry.stderr and nothing_written(gridcare, community)

    done = gridcare("import", path, "--community", community, check=True)
    assert "error" not in done.stderr
    assert stats(gridcare, community) == want
    records, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c})-[:LIVES_IN]->(h:Household) RETURN r.nationalIdHash AS hash, r.name AS name,"
        " r.birthDate AS born, r.gender AS gender, r.partyMember AS member, r.livesAlone AS alone",
        c=community,
        database_=database,
    )
    hasher = national_id_hasher(Settings(home=gridcare_home))
    stored = {r["hash"]: r for r in records}
    assert len(stored) == len(people)
    alone_stated = office is office_a  # office B's register has no 独居 column
    for p in people:
        r = stored[hasher(p.id)]
        assert (r["name"], r["born"].to_native(), r["gender"], r["member"]) == (p.name, p.born, p.gender, p.member)
        assert r["alone"] == (p.alone and alone_stated)

    before = snapshot(store, community)
    again = gridcare("import", path, "--community", community, check=True)
    assert "already up to date" in again.stdout
    assert snapshot(store, community) == before


def test_the_mistakes_of_a_register_are_named_by_row_and_nothing_is_written(gridcare, community, tmp_path):
    path, good, faults = office_c(tmp_path / "台账.xlsx")
    for options in (("--dry-run",), ()):
        done = gridcare("import", *options, path, "--community", community)
        assert done.returncode == 1
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert [re.match(r"error: 5号楼, row (\d+), column (\w+):", e).groups() for e in errors] == [
            (str(row), column) for row, column in faults.items()
        ]
        by_column = {column: e for e, column in zip(errors, faults.values())}
        assert "contradicts the birth date in 身份证号 | national_id (the id is not shown)" in by_column["birth_date"]
        assert "contradicts the gender in 身份证号" in by_column["gender"]
        assert by_column["address"].endswith("('长山花园5栋301室')")
        number, first_generation = (e for e in errors if "column national_id" in e)
        assert "stored as a number" in number and "文本" in number and "E+17')" in number
        assert "15-digit national id" in first_generation
        assert not any(p.id[6:14] in done.stdout + done.stderr for p in good)
        assert nothing_written(gridcare, community)

    gridcare("import", path, "--community", community, "--skip-bad-rows", check=True)
    assert stats(gridcare, community) == expected(good, DEMO_DAY)
