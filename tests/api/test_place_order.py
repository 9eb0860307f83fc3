"""Places are in the order people expect, the same in GraphQL lists and in the audit: 9 before 10, A9 before A10."""

import json

from tests.api.conftest import gql
from tests.cli.test_import import write_csv_ledger

HEADER = ["居民编号", "姓名", "出生日期", "网格", "楼栋", "单元", "门牌号"]
BUILDINGS = ["A10", "10", "A9", "9"]  # written out of order on purpose
EXPECTED = ["9", "10", "A9", "A10"]


def test_buildings_sort_alike_in_graphql_and_in_the_audit(gridcare, community, tmp_path, app, client):
    rows = [HEADER] + [[f"R{i}", f"居民{i}", "1940-01-01", "1", b, "1", "101"] for i, b in enumerate(BUILDINGS)]
    gridcare("import", write_csv_ledger(tmp_path / "ledger", {"residents": rows}), "--community", community, check=True)

    tree = gql(client, "query($c: String!) { community(name: $c) { grids { buildings { number } } } }", c=community)
    listed = [b["number"] for b in tree["data"]["community"]["grids"][0]["buildings"]]
    audit = json.loads(gridcare("audit", "--community", community, "--format", "json", check=True).stdout)
    audited = [b["building"] for b in audit["buildings_without_leader"]]
    covered = [b["building"] for b in audit["coverage"]["buildings"]]
    assert listed == audited == covered == EXPECTED
