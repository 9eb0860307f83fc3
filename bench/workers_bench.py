"""`gridcare serve --workers N`: the `Elders` page's throughput with 1 and more worker processes, in one run.

    python bench/workers_bench.py [--workers 1 2] [--clients 16 64] [--requests 400]

For each worker count, `gridcare serve --workers N` runs in a process of its
own on a free loopback port (against the managed Neo4j, or NEO4J_URI; the demo
community is imported first if absent); `bench/api_bench.py`'s load of the
`Elders` page (a page of 20 solitary elders 80+) is sent with each number of
concurrent HTTP clients, after a warm-up that reaches every worker. Reported:
p50 and p99 latency and requests/s, and each count's ratio to one worker.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api_bench import demo_token, load, pct, serve  # noqa: E402
from loaders.demo import DEMO_COMMUNITY  # noqa: E402
from tests.api.test_graphql_read import ELDERS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    elders = lambda i: {"query": ELDERS, "variables": {"name": DEMO_COMMUNITY, "first": 20}}  # noqa: E731
    throughput: dict[tuple[int, int], float] = {}
    with demo_token("workers benchmark") as (_, token):
        headers = {"Authorization": f"Bearer {token}"}
        for workers in args.workers:
            server, base = serve(workers=workers)
            try:
                asyncio.run(load(base, headers, elders, 20 * workers, 4 * workers))  # warm every worker up
                for clients in args.clients:
                    latencies, rate = asyncio.run(load(base, headers, elders, args.requests, clients))
                    throughput[workers, clients] = rate
                    ratio = rate / throughput[args.workers[0], clients]
                    print(
                        f"Elders, {workers} worker(s), {clients:3d} clients: p50 {pct(latencies, 0.5):6.1f} ms  "
                        f"p99 {pct(latencies, 0.99):6.1f} ms  {rate:6.1f} requests/s  "
                        f"({ratio:.2f}× {args.workers[0]} worker(s))",
                        flush=True,
                    )
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
