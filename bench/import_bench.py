"""Import benchmark: the importer against plain batched UNWIND, in the same run.

    python bench/import_bench.py [--rounds 3] [--seed 7] [--profile N]

Writes the generated Changshan Garden ledger, then alternates, round by round:
  importer  `read_ledger` (with validation) + `plan_import` + `write_plan` (what `gridcare import` does)
  baseline  the same rows written with plain `UNWIND … CREATE` statements through
            the driver, one auto-commit transaction per batch, no validation
Each round starts from an empty community. Reported: rows/s of each, and the
ratio baseline time / importer time (target ≥ 0.8), and the importer's phases
(reading with validation, planning, writing, the read-back check). The baseline has
a statement for each statement of the importer's plan, over the same rows; the
bench stops if the plan gains one it lacks. ``--profile N`` then profiles one import
(cProfile, the top N functions). Uses the managed Neo4j, or NEO4J_URI when set.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import itertools
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.domain import kind_of_role  # noqa: E402
from api.secrets import national_id_hasher  # noqa: E402
from api.settings import get_settings  # noqa: E402
from api.store import open_store  # noqa: E402
from graph.imports import cypher as Q  # noqa: E402
from graph.models import SCOPE_LABELS  # noqa: E402
from loaders.demo import generate_ledger, write_ledger  # noqa: E402
from loaders.ledger import read_ledger  # noqa: E402
from loaders.model import Ledger  # noqa: E402
from loaders.writer import Plan, plan_import, total_rows, write_plan  # noqa: E402

# plain statements over the same rows, one for each statement the importer's plan runs (keyed by it)
BASELINE: dict[str, str] = {
    Q.COMMUNITY: "MERGE (c:Community {id: $community}) SET c.community = $community",
    Q.GRIDS: "UNWIND $rows AS row CREATE (:Grid {id: row.id, number: row.number, community: $community})",
    Q.BUILDINGS: "UNWIND $rows AS row MATCH (g:Grid {id: row.grid}) "
    "CREATE (g)-[:HAS_BUILDING]->(:Building {id: row.id, number: row.number, community: $community})",
    Q.UNITS: "UNWIND $rows AS row MATCH (b:Building {id: row.building}) "
    "CREATE (b)-[:HAS_UNIT]->(:Unit {id: row.id, number: row.number, community: $community})",
    Q.HOUSEHOLDS: "UNWIND $rows AS row MATCH (u:Unit {id: row.unit}) "
    "CREATE (u)-[:HAS_HOUSEHOLD]->(:Household {id: row.id, room: row.room, community: $community})",
    Q.RESIDENTS: "UNWIND $rows AS row MATCH (h:Household {id: row.household}) "
    "CREATE (r:Resident {id: row.id}) SET r += row.props CREATE (r)-[:LIVES_IN]->(h)",
    Q.HEALTH_CONSENT_WITHDRAWN: "UNWIND $rows AS row "
    "MATCH (:Resident {id: row.resident})-[:HAS_HEALTH_RECORD]->(h) DETACH DELETE h",
    Q.HEALTH_RECORDS: "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) "
    "CREATE (r)-[:HAS_HEALTH_RECORD]->(:HealthRecord {id: row.id, notes: row.notes, community: $community})",
    Q.CONTACTS: "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) "
    "CREATE (r)-[:EMERGENCY_CONTACT]->(:Contact {id: row.id, name: row.name, community: $community})",
    **{
        statement: f"UNWIND $rows AS row MATCH (r:Resident {{id: row.resident}}), "
        f"(s:{SCOPE_LABELS[kind_of_role(role)]} {{id: row.scope}}) "
        "CREATE (r)-[:LEADS {post: row.post, role: row.role}]->(s)"
        for role, statement in Q.LEADS.items()
    },
    Q.CARE: "UNWIND $rows AS row MATCH (a:Resident {id: row.caregiver}), (b:Resident {id: row.recipient}) "
    "CREATE (a)-[:CARES_FOR {kind: row.kind, since: row.since, until: row.until}]->(b)",
    Q.VOLUNTEERS: "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) "
    "MERGE (t:VolunteerTeam {id: row.team}) ON CREATE SET t.community = $community CREATE (r)-[:MEMBER_OF]->(t)",
    Q.SERVICE_ROLES: "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}), (g:Grid {id: row.grid}) "
    "CREATE (r)-[:SERVES {role: row.role}]->(g)",
    Q.PARTY_GROUPS: "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) "
    "MERGE (p:PartyGroup {id: row.group}) ON CREATE SET p.community = $community CREATE (r)-[:MEMBER_OF]->(p)",
    Q.CARE_TIERS: "UNWIND $rows AS row MATCH (r:Resident {id: row.resident}) SET r.careTier = row.tier",
    Q.VISITS: "UNWIND $rows AS row CREATE (v:Visit {id: row.id}) SET v += row.props, v.resident = row.resident, "
    "v.community = $community",
    Q.SERVICES: "UNWIND $rows AS row CREATE (q:ServiceRequest {id: row.id}) SET q += row.props "
    "CREATE (e:CaseEvent) SET e += row.event",
}
DELETE = "MATCH (n {community: $community}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"


def clear(store, community) -> None:
    with store.driver.session(database=store.database) as session:  # CALL … IN TRANSACTIONS: auto-commit
        session.run(DELETE, community=community).consume()


def renamed(ledger: Ledger, community: str) -> Ledger:
    """The same ledger under another community name (so both writers start empty): every list of rows, each
    row of which names its community (a sheet added to `Ledger` is renamed too)."""
    parts = {
        f.name: [dataclasses.replace(x, community=community) for x in rows]
        for f in dataclasses.fields(Ledger)
        if isinstance(rows := getattr(ledger, f.name), list) and rows and hasattr(rows[0], "community")
    }
    return dataclasses.replace(ledger, **parts)


def baseline_for(plan: Plan) -> None:
    """Fail loudly when the plan runs a statement the baseline has no plain counterpart for."""
    missing = [statement for steps in plan.values() for statement, _ in steps if statement not in BASELINE]
    if missing:
        raise SystemExit(
            f"bench/import_bench.py: no baseline statement for {len(missing)} step(s) of the plan, e.g.\n"
            f"{missing[0].strip()}\nadd one to BASELINE, over the same rows"
        )


def run_baseline(store, plan, batch=2000) -> float:
    started = time.perf_counter()
    for community, steps in plan.items():
        for step, rows in steps:
            statement = BASELINE[step]
            for i in range(0, len(rows), batch):
                store.driver.execute_query(
                    statement, rows=rows[i : i + batch], community=community, database_=store.database
                )
    return time.perf_counter() - started


def run_importer(store, folder, community, hasher, phases: dict[str, list[float]]) -> float:
    """`gridcare import`'s work; ``phases`` gets the seconds of reading (with validation), planning, writing
    (until the commit) and the read-back check."""
    stamps = [time.perf_counter()]
    ledger = read_ledger(folder, community)
    assert not ledger.errors, ledger.errors[:3]
    stamps.append(time.perf_counter())
    plan = plan_import(ledger, hash_national_id=hasher)
    stamps.append(time.perf_counter())
    write_plan(store, plan, on_commit=lambda *_: stamps.append(time.perf_counter()))
    stamps.append(time.perf_counter())
    for name, (a, b) in zip(PHASES, itertools.pairwise(stamps), strict=True):
        phases[name].append(b - a)
    return stamps[-1] - stamps[0]


PHASES = ("read", "plan", "write", "check")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=int, metavar="N", default=0, help="then profile one import: top N functions")
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
        baseline_for(base_plan)
        assert total_rows(base_plan) == rows, "the baseline writes other rows than the importer"
        phases: dict[str, list[float]] = {name: [] for name in PHASES}
        times = {"importer": [], "baseline": []}
        for n in range(args.rounds):
            for c in (ours, base):
                clear(store, c)
            times["baseline"].append(run_baseline(store, base_plan))
            times["importer"].append(run_importer(store, folder, ours, hasher, phases))
            split = ", ".join(f"{k} {v[-1]:.2f}" for k, v in phases.items())
            ours_s, base_s = times["importer"][-1], times["baseline"][-1]
            print(f"round {n + 1}: importer {ours_s:.2f} s ({split}), baseline {base_s:.2f} s")
        if args.profile:
            clear(store, ours)
            profiler = cProfile.Profile()
            profiler.runcall(run_importer, store, folder, ours, hasher, {name: [] for name in PHASES})
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        for c in (ours, base):
            clear(store, c)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{rows} rows (residents {len(ledger.residents)}), median of {args.rounds} rounds:")
    for k in ("importer", "baseline"):
        print(f"  {k:9s} {med[k]:6.2f} s  {rows / med[k]:9.0f} rows/s")
    print("  importer's phases: " + ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in phases.items()))
    print(f"  ratio importer/baseline speed: {med['baseline'] / med['importer']:.2f} (target ≥ 0.80)")


if __name__ == "__main__":
    main()
