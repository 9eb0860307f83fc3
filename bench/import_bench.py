"""Import benchmark: the importer against plain batched UNWIND, in the same run.

    python bench/import_bench.py [--rounds 3] [--seed 7] [--communities 1]

Writes the generated Changshan Garden ledger, then alternates, round by round:
  importer  `read_ledger` + validation + `write_plan` (what `gridcare import` does)
  baseline  the same rows written with plain `UNWIND … CREATE` statements through
            the driver, one auto-commit transaction per batch, no validation
Each round starts from an empty community. Reported: rows/s of each, and the
ratio importer/baseline (target ≥ 0.5), plus the importer's wall time (target:
well under 30 s). Uses the managed Neo4j, or NEO4J_URI when set.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.secrets import national_id_hasher  # noqa: E402
from api.settings import get_settings  # noqa: E402
from api.store import open_store  # noqa: E402
from loaders.demo import generate_ledger, write_ledger  # noqa: E402
from loaders.ledger import read_ledger  # noqa: E402
from loaders.model import Ledger  # noqa: E402
from loaders.writer import plan_import, total_rows, write_plan  # noqa: E402

BASELINE = [  # plain statements over the same rows, in the importer's step order
    "MERGE (c:Community {id: $community}) SET c.community = $community",
    "UNWIND $rows AS row CREATE (:Grid {id: row.id, number: row.number, community: $community})",
    "UNWIND $rows AS row MATCH (g:Grid {id: row.grid}) "
    "CREATE (g)-[:HAS_BUILDING]->(:Building {id: row.id, number: row.number, community: $community})",
    "UNWIND $rows AS row MATCH (b:Building {id: row.building}) "
    "CREATE (b)-[:HAS_UNIT]->(:Unit {id: row.id, number: row.number, community: $community})",
    "UNWIND $rows AS row MATCH (u:Unit {id: row.unit}) "
    "CREATE (u)-[:HAS_HOUSEHOLD]->(:Household {id: row.id, room: row.room, community: $community})",
    "UNWIND $rows AS row MATCH (h:Household {id: row.household}) "
    "CREATE (r:Resident {id: row.id}) SET r += row.props CREATE (r)-[:LIVES_IN]->(h)",
    "UNWIND $rows AS row MATCH (:Resident {id: row.resident})-[:HAS_HEALTH_RECORD]->(h) DETACH DELETE h",
    "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) "
    "CREATE (r)-[:HAS_HEALTH_RECORD]->(:HealthRecord {id: row.id, notes: row.notes, community: $community})",
    "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) "
    "CREATE (r)-[:EMERGENCY_CONTACT]->(:Contact {id: row.id, name: row.name, community: $community})",
    *[
        f"UNWIND $rows AS row MATCH (r:Resident {{id: row.resident}}), (s:{label} {{id: row.scope}}) "
        "CREATE (r)-[:LEADS {post: row.post, role: row.role}]->(s)"
        for label in ("Grid", "Building", "Unit")
    ],
    "UNWIND $rows AS row MATCH (a:Resident {id: row.caregiver}), (b:Resident {id: row.recipient}) "
    "CREATE (a)-[:CARES_FOR {kind: row.kind, since: row.since, until: row.until}]->(b)",
    "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) "
    "MERGE (t:VolunteerTeam {id: row.team}) ON CREATE SET t.community = $community CREATE (r)-[:MEMBER_OF]->(t)",
    "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}), (g:Grid {id: row.grid}) "
    "CREATE (r)-[:SERVES {role: row.role}]->(g)",
    "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) "
    "MERGE (p:PartyGroup {id: row.group}) ON CREATE SET p.community = $community CREATE (r)-[:MEMBER_OF]->(p)",
    "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) SET r.careTier = row.tier",
    "UNWIND $rows AS row CREATE (v:Visit {id: row.id}) SET v += row.props, v.resident = row.resident, "
    "v.community = $community",
]
DELETE = "MATCH (n {community: $community}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"


def clear(store, community) -> None:
    with store.driver.session(database=store.database) as session:  # CALL … IN TRANSACTIONS: auto-commit
        session.run(DELETE, community=community).consume()


def renamed(ledger: Ledger, community: str) -> Ledger:
    """The same ledger under another community name (so both writers start empty)."""
    parts = {
        f.name: [dataclasses.replace(x, community=community) for x in getattr(ledger, f.name)]
        for f in dataclasses.fields(Ledger)
        if f.name in ("residents", "leaders", "care", "volunteers", "service_roles", "party_groups", "visits")
    }
    return Ledger(**parts)


def run_baseline(store, plan, batch=2000) -> float:
    started = time.perf_counter()
    for community, steps in plan.items():
        for statement, (_, rows) in zip(BASELINE, steps, strict=True):
            for i in range(0, len(rows), batch):
                store.driver.execute_query(
                    statement, rows=rows[i : i + batch], community=community, database_=store.database
                )
    return time.perf_counter() - started


def run_importer(store, folder, community, hasher) -> float:
    started = time.perf_counter()
    ledger = read_ledger(folder, community)
    assert not ledger.errors, ledger.errors[:3]
    write_plan(store, plan_import(ledger, hash_national_id=hasher))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = get_settings()
    hasher = national_id_hasher(settings)
    store = open_store(settings, say=print)
    with store.driver, tempfile.TemporaryDirectory() as tmp:
        folder = write_ledger(generate_ledger(seed=args.seed), Path(tmp) / "ledger")
        ours, base = "bench-importer", "bench-baseline"
        ledger = read_ledger(folder, ours)
        rows = total_rows(plan_import(ledger, hash_national_id=hasher))
        base_plan = plan_import(renamed(ledger, base), hash_national_id=hasher)
        times = {"importer": [], "baseline": []}
        for n in range(args.rounds):
            for c in (ours, base):
                clear(store, c)
            times["baseline"].append(run_baseline(store, base_plan))
            times["importer"].append(run_importer(store, folder, ours, hasher))
            print(f"round {n + 1}: importer {times['importer'][-1]:.2f} s, baseline {times['baseline'][-1]:.2f} s")
        for c in (ours, base):
            clear(store, c)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{rows} rows (residents {len(ledger.residents)}), median of {args.rounds} rounds:")
    for k in ("importer", "baseline"):
        print(f"  {k:9s} {med[k]:6.2f} s  {rows / med[k]:9.0f} rows/s")
    print(f"  ratio importer/baseline speed: {med['baseline'] / med['importer']:.2f} (target ≥ 0.50)")


if __name__ == "__main__":
    main()
