"""Throughput of the `Elders` page against a minimal hand-written FastAPI route, and of `resident(id)`, in one run.

    python bench/throughput_bench.py [--clients 16 64] [--requests 400] [--rounds 2] [--workers 1]

Two servers run side by side, each in a process of its own on a free loopback
port, against the managed Neo4j (or NEO4J_URI; the demo community is imported
first if absent): `gridcare serve` and `bench/baseline_app.py` under uvicorn, the
same page answered by one hand-written Cypher statement behind the same bearer
token. Their answers are checked to be the same JSON first. Then, for each
number of concurrent HTTP clients, `bench/api_bench.py`'s load is sent to each in
turn, ``--rounds`` times alternately (so that a burst of load from elsewhere on
the machine falls on both); reported: each one's best p50, p99 and requests/s,
and gridcare's ratio to the baseline (target ≥ 0.5× at 16 clients), then
`resident(id)` (100 residents in turn) on gridcare alone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api_bench import RESIDENT, demo_token, load, pct, resident_ids, serve, started  # noqa: E402
from loaders.demo import DEMO_COMMUNITY  # noqa: E402
from tests.api.test_graphql_read import ELDERS  # noqa: E402


def servers(workers: int):
    """gridcare and the baseline, each ready: [(name, process, address, path, body of request i)]."""
    gridcare = serve(workers=workers)
    command = [sys.executable, "-m", "uvicorn", "bench.baseline_app:create", "--factory", "--no-access-log"]
    baseline = started(lambda port: [*command, "--port", str(port), "--workers", str(workers)], ready="/livez")
    graphql = lambda i: {"query": ELDERS, "variables": {"name": DEMO_COMMUNITY, "first": 20}}  # noqa: E731
    plain = lambda i: {"name": DEMO_COMMUNITY, "first": 20}  # noqa: E731
    return [("gridcare", *gridcare, "/graphql", graphql), ("baseline", *baseline, "/elders", plain)]


def same_answers(pair, headers: dict) -> None:
    answers = [
        httpx.post(f"{base}{path}", json=body(0), headers=headers, timeout=60) for _, _, base, path, body in pair
    ]
    for answer in answers:
        answer.raise_for_status()
    assert answers[0].json() == answers[1].json(), "gridcare and the baseline answer differently"


def measure(pair, headers: dict, requests: int, clients: int, rounds: int) -> dict[str, tuple[list[float], float]]:
    """Each server's best round (by requests/s) at ``clients`` concurrent clients."""
    best: dict[str, tuple[list[float], float]] = {}
    for _ in range(rounds):
        for name, _, base, path, body in pair:
            latencies, rate = asyncio.run(load(base, headers, body, requests, clients, path))
            if name not in best or rate > best[name][1]:
                best[name] = latencies, rate
    return best


def report(name: str, clients: int, latencies: list[float], rate: float, extra: str = "") -> None:
    print(
        f"{name:22s} {clients:3d} clients: p50 {pct(latencies, 0.5):6.1f} ms  p99 {pct(latencies, 0.99):6.1f} ms  "
        f"{rate:6.1f} requests/s{extra}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2, help="alternate rounds per server and client count")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of each server")
    args = parser.parse_args()
    with demo_token("throughput benchmark") as (_, token):
        headers = {"Authorization": f"Bearer {token}"}
        pair = servers(args.workers)
        try:
            same_answers(pair, headers)
            for _, _, base, path, body in pair:  # warm every worker up
                asyncio.run(load(base, headers, body, 20 * args.workers, 4 * args.workers, path))
            for clients in args.clients:
                best = measure(pair, headers, args.requests, clients, args.rounds)
                ratio = best["gridcare"][1] / best["baseline"][1]
                report("Elders, baseline", clients, *best["baseline"])
                report("Elders, gridcare", clients, *best["gridcare"], f"  ({ratio:.2f}× the baseline)")
            base = pair[0][2]
            ids = resident_ids(base, headers)
            one = lambda i: {"query": RESIDENT, "variables": {"id": ids[i % len(ids)]}}  # noqa: E731
            for clients in args.clients:
                report(
                    "resident(id), gridcare", clients, *asyncio.run(load(base, headers, one, args.requests, clients))
                )
        finally:
            for _, server, *_ in pair:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
