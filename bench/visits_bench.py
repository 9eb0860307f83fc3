"""Visits benchmark: what a year of visits costs the audit, recording and a leader's day, in one run.

    python bench/visits_bench.py [--rounds 5] [--requests 300] [--clients 8]

On the managed Neo4j (or NEO4J_URI), the demo is imported twice: as generated (a year
of ~90,000 visits) and under another name without its visits. Then, in the same run:

1. `gridcare audit` end to end (export from Neo4j, the analyses, the JSON and the text
   report) of both communities, alternating round by round. Reported: the medians,
   their phases and the ratio with/without visits (target ≤ 1.5×).
2. `recordVisit` over HTTP with ``--clients`` concurrent clients (a staff token),
   against the same load of `resident(id)` reads in the same server: p50/p99, requests/s
   and the ratio of the p50s. The visits recorded are deleted afterwards.
3. A building leader's day: `myVisitsDue` over HTTP with the leader's token (building
   5 of the demo), one request at a time, against `resident(id)`: medians and ratio.

The service runs as `gridcare serve` in a process of its own (as in `api_bench.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import analysis  # noqa: E402
from analysis.report import format_audit  # noqa: E402
from api.importing import write_ledger  # noqa: E402
from api.settings import get_settings  # noqa: E402
from api.store import open_store  # noqa: E402
from api.tokens import TokenRequest, issue, token_key  # noqa: E402
from bench.api_bench import RESIDENT, load, pct, serve  # noqa: E402
from graph.export import community_graph  # noqa: E402
from graph.reads.stats import list_communities  # noqa: E402
from graph.tokens import revoke_token  # noqa: E402
from loaders.demo import DEMO_COMMUNITY, generate_ledger  # noqa: E402
from loaders.demo import write_ledger as write_files  # noqa: E402
from loaders.ledger import read_ledger  # noqa: E402

BARE = f"{DEMO_COMMUNITY}-无探访"
LABEL = "visits benchmark"
RECORD = """mutation($input: RecordVisitInput!) { recordVisit(input: $input) {
  __typename ... on VisitPayload { visit { id } } ... on Invalid { field reason } } }"""
DUE = "{ myVisitsDue(within: 3) { tier lastContact due daysOverdue resident { id name } } }"


def ensure(store, settings, name: str, visits: bool) -> None:
    """Import the generated demo under ``name`` unless it is there already."""
    if any(c["name"] == name for c in list_communities(store)):
        return
    print(f"importing {name} ({'with' if visits else 'without'} visits) …", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_files(generate_ledger(visits=visits), Path(tmp) / "ledger")
        ledger = read_ledger(folder, name)
    started = time.perf_counter()
    write_ledger(store, ledger, settings, progress=False)
    print(f"  {time.perf_counter() - started:.1f} s", flush=True)


def audit_once(store, community: str) -> tuple[float, float, float]:
    """Export, analyses, output (JSON and text): seconds of each."""
    t0 = time.perf_counter()
    G = community_graph(store, community)
    t1 = time.perf_counter()
    result = analysis.audit(G)
    t2 = time.perf_counter()
    json.dumps(result.to_dict(), ensure_ascii=False)
    format_audit(result)
    return t1 - t0, t2 - t1, time.perf_counter() - t2


def bench_audit(store, rounds: int) -> None:
    times: dict[str, list[tuple[float, float, float]]] = {BARE: [], DEMO_COMMUNITY: []}
    audit_once(store, BARE), audit_once(store, DEMO_COMMUNITY)  # warm up
    for _ in range(rounds):
        for community in (BARE, DEMO_COMMUNITY):
            times[community].append(audit_once(store, community))
    medians = {}
    for community, label in ((BARE, "without visits"), (DEMO_COMMUNITY, "with a year of visits")):
        total = statistics.median(sum(t) for t in times[community])
        phases = [statistics.median(t[i] for t in times[community]) for i in range(3)]
        medians[community] = total
        print(
            f"audit end to end, {label:22s}: median {total:.3f} s "
            f"(export {phases[0]:.3f}, analyses {phases[1]:.3f}, output {phases[2]:.3f})"
        )
    print(f"ratio with/without visits: {medians[DEMO_COMMUNITY] / medians[BARE]:.2f}× (target ≤ 1.5×)\n")


def bench_record(base: str, headers: dict, elders: list[str], requests: int, clients: int) -> None:
    rng = random.Random(7)
    # times within the last day, never in the server's future
    now = datetime.now(UTC)

    def record(i: int) -> dict:
        at = (now - timedelta(minutes=rng.randrange(60, 1440))).isoformat()
        visit = {"residentId": rng.choice(elders), "at": at, "mode": "PHONE", "outcome": "OK"}
        return {"query": RECORD, "variables": {"input": visit}}

    def read(i: int) -> dict:
        return {"query": RESIDENT, "variables": {"id": elders[i % len(elders)]}}

    results = {}
    for name, body in (
        ("resident(id)", read),
        ("recordVisit", record),
        ("resident(id) ", read),
        ("recordVisit ", record),
    ):
        latencies, throughput = asyncio.run(load(base, headers, body, requests, clients))
        results.setdefault(name.strip(), []).append((pct(latencies, 0.5), pct(latencies, 0.99), throughput))
    for name, runs in results.items():
        p50 = statistics.median(r[0] for r in runs)
        p99 = statistics.median(r[1] for r in runs)
        rps = statistics.median(r[2] for r in runs)
        print(f"{name:13s} {clients} clients: p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  {rps:6.1f} requests/s")
    ratio = statistics.median(r[0] for r in results["recordVisit"]) / statistics.median(
        r[0] for r in results["resident(id)"]
    )
    print(f"recordVisit p50 / resident(id) p50 under the same load: {ratio:.2f}×\n")


def bench_due(base: str, headers: dict, staff: dict, elder: str, rounds: int) -> None:
    with httpx.Client(timeout=60) as http:

        def due() -> int:
            answer = http.post(f"{base}/graphql", json={"query": DUE}, headers=headers).json()
            assert "errors" not in answer, answer
            return len(answer["data"]["myVisitsDue"])

        def one() -> None:
            body = {"query": RESIDENT, "variables": {"id": elder}}
            assert "errors" not in http.post(f"{base}/graphql", json=body, headers=staff).json()

        listed = due()
        one()
        times = {"myVisitsDue": [], "resident(id)": []}
        for _ in range(rounds * 4):
            for name, fn in (("myVisitsDue", due), ("resident(id)", one)):
                started = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - started)
    a, b = (statistics.median(times[n]) * 1000 for n in ("myVisitsDue", "resident(id)"))
    print(f"myVisitsDue of building 5's leader ({listed} elders due): median {a:.1f} ms")
    print(f"resident(id): median {b:.1f} ms; ratio {a / b:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    settings = get_settings()
    store = open_store(settings, say=print)
    ensure(store, settings, DEMO_COMMUNITY, visits=True)
    ensure(store, settings, BARE, visits=False)
    bench_audit(store, args.rounds)

    liu = store.read("liu", "MATCH (r:Resident {community: $c, name: '刘凤霞'}) RETURN r.id AS id", c=DEMO_COMMUNITY)
    elders = [
        r["id"]
        for r in store.read(
            "elders",
            "MATCH (r:Resident {community: $c, status: 'active', livesAlone: true}) RETURN r.id AS id LIMIT 200",
            c=DEMO_COMMUNITY,
        )
    ]
    expires = datetime.now(UTC) + timedelta(hours=1)
    key = token_key(settings)
    staff_token, staff_record = issue(
        store, key, TokenRequest(role="staff", community=DEMO_COMMUNITY, label=LABEL, expires_at=expires)
    )
    leader_token, leader_record = issue(
        store,
        key,
        TokenRequest(
            role="building_leader",
            community=DEMO_COMMUNITY,
            scope="building:5",
            resident=liu[0]["id"],
            label=LABEL,
            expires_at=expires,
        ),
    )
    server, base = serve()
    try:
        staff = {"Authorization": f"Bearer {staff_token}"}
        bench_record(base, staff, elders, args.requests, args.clients)
        bench_due(base, {"Authorization": f"Bearer {leader_token}"}, staff, elders[0], args.rounds)
    finally:
        server.terminate()
        server.wait(timeout=30)
        store.write(
            "bench_cleanup",
            "MATCH (v:Visit {community: $c, recordedByToken: $token}) DETACH DELETE v",
            c=DEMO_COMMUNITY,
            token=staff_record.id,
        )
        for record in (staff_record, leader_record):
            revoke_token(store, record.id)
        store.close()


if __name__ == "__main__":
    main()
