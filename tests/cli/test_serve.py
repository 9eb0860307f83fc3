"""`gridcare serve` as a real uvicorn process: what only a real server shows.

- the server's loop keeps answering ``/livez`` while a big query runs (the query runs off it) — the query is
  stopped at its deadline;
- ``X-Forwarded-For`` is believed only from the proxies named in ``GRIDCARE_TRUSTED_PROXIES``, so one client
  rotating it cannot escape the per-address limit of the QR finder page;
- ``--workers 2`` runs two worker processes that both answer, with one token for both.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import httpx

from tests.api.test_graphql_read import TREE

WAIT = 120  # seconds: bounds on waiting for a server, never assertions about time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(cli_env: dict, *args: str, **settings: str):
    port = free_port()
    env = {**cli_env, **{f"GRIDCARE_{k.upper()}": v for k, v in settings.items()}}
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if httpx.get(f"{base}/livez", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, server.stderr.read() if server.stderr else ""
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=WAIT)


def admin_token(gridcare) -> str:
    return gridcare(
        "token", "issue", "--role", "admin", "--expires", "1h", "--label", "serve test", check=True
    ).stdout.strip()


def test_livez_answers_while_a_big_query_runs_and_the_query_stops_at_its_deadline(gridcare, cli_env, demo_community):
    token = admin_token(gridcare)
    with serving(cli_env, query_deadline="3") as base:
        done: dict = {}

        def big_queries() -> None:
            with httpx.Client(timeout=WAIT, headers={"Authorization": f"Bearer {token}"}) as http:
                body = {"query": TREE, "variables": {"name": demo_community}}
                done["answers"] = [http.post(f"{base}/graphql", json=body).json() for _ in range(3)]

        worker = threading.Thread(target=big_queries)
        worker.start()
        lively = 0
        while worker.is_alive():  # every /livez answered while the queries ran shows the loop was free
            lively += httpx.get(f"{base}/livez", timeout=WAIT).status_code == 200
            time.sleep(0.05)
        worker.join()
    print(f"/livez answered {lively} times while the queries ran")
    assert lively >= 3
    for answer in done["answers"]:  # each either finished or was stopped at its deadline, never anything else
        if answer.get("errors"):
            assert [e["extensions"]["code"] for e in answer["errors"]] == ["DEADLINE_EXCEEDED"], answer
        else:
            assert answer["data"]["community"]["name"] == demo_community


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(cli_env):
    def statuses(base: str) -> list[int]:
        return [
            httpx.get(f"{base}/qr/not-a-code", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(3)
        ]

    with serving(cli_env, qr_rate_per_client="2") as base:
        assert statuses(base) == [404, 404, 429]  # one client, whatever its headers say
    with serving(cli_env, qr_rate_per_client="2", trusted_proxies="127.0.0.1") as base:
        assert statuses(base) == [404, 404, 404]  # behind a trusted proxy: three finders


def test_two_workers_serve_requests_with_the_same_tokens(gridcare, cli_env, demo_community):
    import psutil

    token = admin_token(gridcare)
    body = {"query": "query($name: String!) { community(name: $name) { name } }", "variables": {"name": demo_community}}
    with serving(cli_env, "--workers", "2") as base:
        [server] = [p for p in psutil.process_iter(["cmdline"]) if base.rsplit(":", 1)[1] in (p.info["cmdline"] or [])]
        deadline = time.monotonic() + WAIT
        while len([c for c in server.children() if "spawn_main" in " ".join(c.cmdline())]) < 2:  # the workers
            assert time.monotonic() < deadline, [c.cmdline() for c in server.children()]
            time.sleep(0.2)
        with httpx.Client(timeout=WAIT, headers={"Authorization": f"Bearer {token}"}) as http:
            answers = [http.post(f"{base}/graphql", json=body) for _ in range(20)]
            readiness = [http.get(f"{base}/readyz").status_code for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 20
    assert {a.json()["data"]["community"]["name"] for a in answers} == {demo_community}
    assert readiness == [200] * 5


def test_demo_is_served_by_one_worker(gridcare, cli_env):
    done = gridcare("serve", "--demo", "--workers", "2")
    assert done.returncode == 2 and "without --workers" in done.stderr
