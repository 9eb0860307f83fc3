"""How long /livez takes while big GraphQL operations run, against the same server idle.

Starts `gridcare serve` in a process of its own on the demo community (imported if
missing), samples /livez latency while idle (the baseline), then while clients send
the front-end's whole-community `Tree` query and the fragment fan-out that used to
stall the server, and prints both with their ratio. Operations run on a worker
thread (`schema.deadline`), so the server's own loop should answer /livez in a few
milliseconds whatever runs; the deadline stops a query after GRIDCARE_QUERY_DEADLINE.

    .venv/bin/python bench/livez_bench.py --seconds 20 --clients 2
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api_bench import demo_token, pct, serve  # noqa: E402
from loaders.demo import DEMO_COMMUNITY  # noqa: E402
from tests.api.test_attacks import fan_out  # noqa: E402
from tests.api.test_graphql_read import TREE  # noqa: E402


def sample(base: str, seconds: float, stop: threading.Event | None = None) -> list[float]:
    """/livez latencies (s), one request every 20 ms, for ``seconds``."""
    out: list[float] = []
    end = time.monotonic() + seconds
    with httpx.Client(timeout=120) as http:
        while time.monotonic() < end and not (stop and stop.is_set()):
            started = time.perf_counter()
            http.get(f"{base}/livez").raise_for_status()
            out.append(time.perf_counter() - started)
            time.sleep(0.02)
    return out


def pressure(base: str, headers: dict, stop: threading.Event, counts: dict) -> None:
    bodies = [{"query": TREE, "variables": {"name": DEMO_COMMUNITY}}, {"query": fan_out(10)}]
    with httpx.Client(timeout=120, headers=headers) as http:
        i = 0
        while not stop.is_set():
            answer = http.post(f"{base}/graphql", json=bodies[i % 2]).json()
            key = "refused" if answer.get("errors") else "answered"
            counts[key] = counts.get(key, 0) + 1
            i += 1


def line(name: str, values: list[float]) -> str:
    return (
        f"{name:9s} n={len(values):4d}  p50 {pct(values, 0.5):7.1f} ms  p99 {pct(values, 0.99):7.1f} ms  "
        f"max {max(values) * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=2)
    args = parser.parse_args()
    with demo_token("livez bench") as (_, token):
        server, base = serve()
        try:
            idle = sample(base, args.seconds / 2)
            stop, counts = threading.Event(), {}
            workers = [
                threading.Thread(target=pressure, args=(base, {"Authorization": f"Bearer {token}"}, stop, counts))
                for _ in range(args.clients)
            ]
            for w in workers:
                w.start()
            time.sleep(1)
            busy = sample(base, args.seconds)
            stop.set()
            for w in workers:
                w.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(line("idle", idle))
    print(line("busy", busy))
    print(
        f"while busy: {counts.get('answered', 0)} Tree answered, {counts.get('refused', 0)} refused "
        f"(the fan-out, priced in milliseconds)"
    )
    print(
        f"ratio busy/idle: p50 {statistics.median(busy) / statistics.median(idle):.1f}x, "
        f"p99 {pct(busy, 0.99) / pct(idle, 0.99):.1f}x"
    )


if __name__ == "__main__":
    main()
