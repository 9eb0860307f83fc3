"""GraphQL API benchmark, measured in one run on the demo community.

    python bench/api_bench.py [--rounds 5] [--requests 400] [--clients 16] [--role admin|staff]

1. `Tree` (the whole community down to residents) over HTTP against ONE
   hand-written Cypher statement returning the same data through the driver
   (ages computed in Python). Two servers answer it: one plans covered queries into
   one Cypher statement (`schema.planner`, the default), the other interprets every
   operation with graphql-core (``GRIDCARE_PLANNER=off``). Reported: medians, the
   ratios to the hand-written Cypher (target ≤ 2×, 4× at the very least), and the
   Cypher round trips each request made, the token's look-up included (target ≤ 2).
2. `Elders` (a page of solitary elders 80+) and `resident(id)`: latency p50/p99,
   throughput with 16 concurrent HTTP clients and Cypher round trips per request, planned
   and interpreted (their answers checked byte-identical first).

``--role staff`` asks with a staff token of the demo community, whose every loaded
resident and place is checked against the caller's community (`schema.scope`).
The service runs as `gridcare serve` in a process of its own on a free loopback
port, against the managed Neo4j (or NEO4J_URI). The demo community is imported first if absent.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.domain import age_on  # noqa: E402
from api.importing import load_demo  # noqa: E402
from api.settings import get_settings  # noqa: E402
from api.store import open_store  # noqa: E402
from api.tokens import TokenRequest, issue, token_key  # noqa: E402
from graph.models import to_date  # noqa: E402
from graph.reads.stats import list_communities  # noqa: E402
from graph.store import Store  # noqa: E402
from graph.tokens import revoke_token  # noqa: E402
from loaders.demo import DEMO_COMMUNITY  # noqa: E402
from tests.api.test_graphql_read import ELDERS, TREE  # noqa: E402  (the queries the tests check)

HAND_WRITTEN_TREE = """
MATCH (c:Community {id: $c})
RETURN c.name AS name, COLLECT { MATCH (c)-[:HAS_GRID]->(g) RETURN g {
  .number,
  leaders: COLLECT { MATCH (r:Resident)-[l:LEADS]->(g) RETURN {post: l.post, resident: {name: r.name}} },
  buildings: COLLECT { MATCH (g)-[:HAS_BUILDING]->(b) RETURN b { .number,
    units: COLLECT { MATCH (b)-[:HAS_UNIT]->(u) RETURN u { .number,
      households: COLLECT { MATCH (u)-[:HAS_HOUSEHOLD]->(h) RETURN h { .room,
        residents: COLLECT { MATCH (h)<-[:LIVES_IN]-(r:Resident {status: 'active'})
                             RETURN r { .name, .birthDate, .livesAlone } } } } } } } } } } AS grids
"""
IDS = "query($c: String!) { residents(community: $c, first: 100) { edges { node { id } } } }"
RESIDENT = "query($id: ID!) { resident(id: $id) { id name age livesAlone building { number } caregivers { name } } }"


def hand_written(store, community):
    records = store.read("hand_written_tree", HAND_WRITTEN_TREE, c=community)
    today = date.today()
    for g in records[0]["grids"]:
        for b in g["buildings"]:
            for u in b["units"]:
                for h in u["households"]:
                    for r in h["residents"]:
                        r["age"] = age_on(to_date(r.pop("birthDate")), today)
    return records[0]


def serve(planner: bool = True, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """`gridcare serve --workers N` in a process of its own, so client and server do not share one GIL;
    ``planner``: off sets ``GRIDCARE_PLANNER=off``, every operation interpreted by graphql-core."""
    env = {**os.environ, "GRIDCARE_PLANNER": "on" if planner else "off"}
    command = [sys.executable, "-m", "api", "serve", "--workers", str(workers), "--port"]
    return started(lambda port: [*command, str(port)], env=env, wait=120 + 60 * (workers > 1))


@contextmanager
def demo_token(label: str, role: str = "admin", community: str | None = None) -> Iterator[tuple[Store, str]]:
    """The store (the managed Neo4j, or NEO4J_URI) holding the demo community, imported first if absent, and a
    token of ``role`` for an hour: revoked, and the store closed, when the bench is done."""
    settings = get_settings()
    store = open_store(settings, say=print)
    try:
        if not any(c["name"] == DEMO_COMMUNITY for c in list_communities(store)):
            load_demo(store, settings)
        expires = datetime.now(UTC) + timedelta(hours=1)
        request = TokenRequest(role=role, community=community, label=label, expires_at=expires)
        token, record = issue(store, token_key(settings), request)
        try:
            yield store, token
        finally:
            revoke_token(store, record.id)
    finally:
        store.close()


def resident_ids(base: str, headers: dict) -> list[str]:
    """The ids of the demo community's first 100 residents, asked of the server at ``base``."""
    answer = httpx.post(
        f"{base}/graphql", json={"query": IDS, "variables": {"c": DEMO_COMMUNITY}}, headers=headers, timeout=120
    )
    return [e["node"]["id"] for e in answer.json()["data"]["residents"]["edges"]]


def started(
    command, *, ready: str = "/readyz", env: dict | None = None, wait: float = 120
) -> tuple[subprocess.Popen, str]:
    """The server ``command(port)`` runs on a free loopback port, once ``ready`` answers 200: process, address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}{ready}").status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not become ready within {wait:.0f} s")


def cypher_total(base: str) -> float:
    text = httpx.get(f"{base}/metrics").text  # open to loopback
    return sum(float(v) for v in re.findall(r"^gridcare_cypher_queries_total\{[^}]*\} (\S+)$", text, re.M))


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


async def load(
    base: str, headers: dict, body_of, requests: int, clients: int, path: str = "/graphql"
) -> tuple[list[float], float]:
    """``requests`` POSTs of ``body_of(i)`` to ``path`` by ``clients`` concurrent clients: latencies, requests/s."""
    latencies: list[float] = []
    queue = list(range(requests))

    async def client(http: httpx.AsyncClient):
        while queue:
            i = queue.pop()
            started = time.perf_counter()
            answer = await http.post(f"{base}{path}", json=body_of(i))
            assert answer.status_code == 200 and "errors" not in answer.json(), answer.text[:300]
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=60, headers=headers, limits=httpx.Limits(max_connections=clients)) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return latencies, requests / (time.perf_counter() - started)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--role", choices=("admin", "staff"), default="admin", help="the token's role (staff: of the demo community)"
    )
    args = parser.parse_args()
    community = DEMO_COMMUNITY if args.role == "staff" else None
    with demo_token("api benchmark", args.role, community) as (store, token):
        server, base = serve()
        interpreter, interpreted_base = serve(planner=False)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            tree(store, headers, base, interpreted_base, args)
            pages(headers, base, interpreted_base, args)
        finally:
            for process in (interpreter, server):
                process.terminate()
                process.wait(timeout=30)


def tree(store: Store, headers: dict, base: str, interpreted_base: str, args: argparse.Namespace) -> None:
    """The `Tree` planned and interpreted over HTTP against the hand-written Cypher."""
    tree_body = {"query": TREE, "variables": {"name": DEMO_COMMUNITY}}
    with httpx.Client(timeout=120, headers=headers) as http:
        answers = [http.post(f"{b}/graphql", json=tree_body) for b in (base, interpreted_base)]  # warm up all paths
        for answer in answers:
            answer.raise_for_status()
        assert answers[0].content == answers[1].content, "the planned and the interpreted Tree differ"
        hand_written(store, DEMO_COMMUNITY)
        measured = {}
        for name, at in (("planned", base), ("interpreted", interpreted_base)):
            before = cypher_total(at)
            times = timed(lambda at=at: http.post(f"{at}/graphql", json=tree_body).raise_for_status(), args.rounds)
            measured[name] = statistics.median(times), (cypher_total(at) - before) / args.rounds
        cypher_times = timed(lambda: hand_written(store, DEMO_COMMUNITY), args.rounds)
    c = statistics.median(cypher_times)
    print(f"hand-written Cypher through the driver: median {c:.3f} s")
    for name, (g, trips) in measured.items():
        print(
            f"Tree over HTTP, {name:11s} ({args.role} token): median {g:.3f} s, {trips:.0f} Cypher round trips "
            f"per request, ratio to the hand-written Cypher {g / c:.2f}×"
        )
    print("targets: planned ≤ 2× (4× at the very least), ≤ 2 round trips, the token's look-up included\n")


def pages(headers: dict, base: str, interpreted_base: str, args: argparse.Namespace) -> None:
    """`Elders` and `resident(id)` planned and interpreted: latency, throughput and round trips."""
    ids = resident_ids(base, headers)
    elders = lambda i: {"query": ELDERS, "variables": {"name": DEMO_COMMUNITY, "first": 20}}  # noqa: E731
    one = lambda i: {"query": RESIDENT, "variables": {"id": ids[i % len(ids)]}}  # noqa: E731
    with httpx.Client(timeout=120, headers=headers) as http:
        for body in (elders(0), one(0), one(1)):
            answers = [http.post(f"{b}/graphql", json=body).content for b in (base, interpreted_base)]
            assert answers[0] == answers[1], f"the planned and the interpreted answers differ: {body}"
    rates: dict[tuple[str, str], float] = {}
    for name, body in (("Elders", elders), ("resident(id)", one)):
        for path, at in (("planned", base), ("interpreted", interpreted_base)):
            before = cypher_total(at)
            latencies, throughput = asyncio.run(load(at, headers, body, args.requests, args.clients))
            trips = (cypher_total(at) - before) / args.requests
            rates[name, path] = throughput
            print(
                f"{name:13s} {path:11s} {args.clients} clients: p50 {pct(latencies, 0.5):6.1f} ms  "
                f"p99 {pct(latencies, 0.99):6.1f} ms  {throughput:6.1f} requests/s  {trips:.1f} round trips"
            )
        print(f"{name}: planned/interpreted throughput {rates[name, 'planned'] / rates[name, 'interpreted']:.2f}×")


if __name__ == "__main__":
    main()
