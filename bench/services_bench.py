"""Home services benchmark on the demo's year of cases and points, measured in one run.

    python bench/services_bench.py [--rounds 30]

The demo community (长山花园社区) is imported first if absent, with its year of
requests, matters and points (`loaders.demo.services`); the sizes are printed.
The service runs as `gridcare serve` in a process of its own (as in
`bench/api_bench.py`), against the managed Neo4j (or NEO4J_URI). Measured over
HTTP with an admin token, end to end (request to parsed answer):

- `pointsRanking(community, year)`: the year's top 10 with names (target < 100 ms);
- `pointsStatement(residentId, year)`: the top earner's year, 50 movements (target < 100 ms);
- `dispatchSuggestions(requestId)`: the top 10 for an open request (target < 200 ms);

each as median and 90th percentile of ``--rounds`` calls, and as a ratio to a
baseline measured in the same run against the same server: `{ communities { name } }`,
the smallest query that crosses the same HTTP, auth and GraphQL layers and Neo4j.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.domain import today  # noqa: E402
from api.importing import load_demo  # noqa: E402
from api.settings import get_settings  # noqa: E402
from api.store import open_store  # noqa: E402
from api.tokens import TokenRequest, issue, token_key  # noqa: E402
from bench.api_bench import serve  # noqa: E402
from graph.reads.stats import list_communities  # noqa: E402
from graph.tokens import revoke_token  # noqa: E402
from loaders.demo import DEMO_COMMUNITY  # noqa: E402
from loaders.demo.services import seed_services  # noqa: E402

SIZES = """
RETURN COUNT { MATCH (:ServiceRequest {community: $c}) } AS requests,
       COUNT { MATCH (:Matter {community: $c}) } AS matters,
       COUNT { MATCH (:CaseEvent {community: $c}) } AS events,
       COUNT { MATCH (:PointsMovement {community: $c}) } AS movements,
       COUNT { MATCH (:PointsAccount {community: $c}) } AS accounts
"""
BASELINE = "{ communities { name } }"
RANKING = """query($c: String!, $y: Int) { pointsRanking(community: $c, year: $y) { rank earned times
  resident { id residentId name } } }"""
STATEMENT = """query($id: ID!, $y: Int) { pointsStatement(residentId: $id, year: $y) { balance earned spent totalCount
  movements(first: 50) { kind amount points day why } } }"""
DISPATCH = (
    """query($id: ID!) { dispatchSuggestions(requestId: $id) { rank name team fits proximity openWork reason } }"""
)
OPEN = """query($c: String!) { serviceRequests(community: $c, filter: {status: REQUESTED}, first: 1) {
  edges { node { id } } } }"""
ASK = (
    """mutation($i: RequestServiceInput!) { requestService(input: $i) { ... on RequestPayload { request { id } } } }"""
)
AN_ELDER = """query($c: String!) { residents(community: $c, filter: {minAge: 75, livesAlone: true}, first: 1) {
  edges { node { id } } } }"""


def timed(http: httpx.Client, base: str, body: dict, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = http.post(f"{base}/graphql", json=body)
        payload = answer.json()
        out.append(time.perf_counter() - started)
        assert answer.status_code == 200 and "errors" not in payload, answer.text[:300]
    return out


def call(http: httpx.Client, base: str, query: str, **variables) -> dict:
    answer = http.post(f"{base}/graphql", json={"query": query, "variables": variables}).json()
    assert "errors" not in answer, answer
    return answer["data"]


def open_request(http: httpx.Client, base: str) -> str:
    """An open request of the demo (asking one for a solitary elder if none is open now)."""
    found = call(http, base, OPEN, c=DEMO_COMMUNITY)["serviceRequests"]["edges"]
    if found:
        return found[0]["node"]["id"]
    elder = call(http, base, AN_ELDER, c=DEMO_COMMUNITY)["residents"]["edges"][0]["node"]["id"]
    asked = call(http, base, ASK, i={"residentId": elder, "kind": "BATHING", "idempotencyKey": "services-bench"})
    return asked["requestService"]["request"]["id"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    settings = get_settings()
    store = open_store(settings, say=print)
    if not any(c["name"] == DEMO_COMMUNITY for c in list_communities(store)):
        started = time.perf_counter()
        load_demo(store, settings)
        print(f"demo imported with its year of services in {time.perf_counter() - started:.1f} s")
    else:
        seeded = seed_services(store, DEMO_COMMUNITY)
        if not seeded.skipped:
            print(f"the demo's year of services written: {dict(seeded.written)}")
    sizes = store.read("services_bench_sizes", SIZES, c=DEMO_COMMUNITY)[0]
    print("demo year:", ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    server, base = serve()
    token, record = issue(
        store,
        token_key(settings),
        TokenRequest(role="admin", label="services benchmark", expires_at=datetime.now(UTC) + timedelta(hours=1)),
    )
    year = today().year
    try:
        with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
            top = call(http, base, RANKING, c=DEMO_COMMUNITY, y=year)["pointsRanking"]
            earner = top[0]["resident"]["id"]
            request = open_request(http, base)
            bodies = {
                "baseline { communities { name } }": {"query": BASELINE},
                "pointsRanking (top 10)": {"query": RANKING, "variables": {"c": DEMO_COMMUNITY, "y": year}},
                "pointsStatement (top earner)": {"query": STATEMENT, "variables": {"id": earner, "y": year}},
                "dispatchSuggestions (top 10)": {"query": DISPATCH, "variables": {"id": request}},
            }
            for body in bodies.values():  # warm up: parser caches, plans, pools
                timed(http, base, body, 3)
            results = {name: timed(http, base, body, args.rounds) for name, body in bodies.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
        revoke_token(store, record.id)
        store.close()
    base_median = statistics.median(results["baseline { communities { name } }"])
    targets = {"pointsRanking (top 10)": 100, "pointsStatement (top earner)": 100, "dispatchSuggestions (top 10)": 200}
    print(f"top earner of {year}: {top[0]['resident']['name']} ({top[0]['earned']} points)")
    for name, times in results.items():
        median, p90 = statistics.median(times) * 1000, sorted(times)[int(0.9 * len(times))] * 1000
        target = (
            f"target < {targets[name]} ms: {'met' if median < targets[name] else 'MISSED'}" if name in targets else ""
        )
        print(
            f"{name:32s} median {median:6.1f} ms  p90 {p90:6.1f} ms  ×{median / 1000 / base_median:5.1f} "
            f"of the baseline  {target}"
        )


if __name__ == "__main__":
    main()
