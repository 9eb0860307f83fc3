"""The console's files at / (`api.console`): public, under a strict CSP, with an SPA fallback that never
answers for the service's own routes."""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc.js"></script></head></html>'
SCRIPT = "console.log('the console');" * 50


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dist")
    (folder / "index.html").write_text(INDEX)
    (folder / "assets").mkdir()
    (folder / "assets" / "index-abc.js").write_text(SCRIPT)
    (folder.parent / "secret.txt").write_text("not the console's")
    return folder


@pytest.fixture(scope="module")
def app(store, tmp_path_factory, dist):
    return create_app(Settings(home=tmp_path_factory.mktemp("home"), console_dir=dist), store=store)


@pytest.fixture(scope="module")
def anonymous(app):
    with TestClient(app, client=("127.0.0.1", 50000)) as client:  # a browser on the host
        yield client


@pytest.mark.parametrize("path", ["/", "/overview", "/residents/%E9%95%BF%2Fr%2FR1", "/tree?unit=1|1|1"])
def test_console_pages_are_public_and_under_a_strict_policy(anonymous, path):
    answer = anonymous.get(path)
    assert answer.status_code == 200 and answer.text == INDEX
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["cache-control"] == "no-cache"


def test_assets_are_cached_for_good_and_gzipped_when_asked(anonymous):
    answer = anonymous.get("/assets/index-abc.js", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.text == SCRIPT  # the client unzips
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    raw = anonymous.get("/assets/index-abc.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and raw.text == SCRIPT
    assert int(answer.headers["content-length"]) == len(gzip.compress(SCRIPT.encode(), compresslevel=6, mtime=0))
    head = anonymous.head("/assets/index-abc.js", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.headers["content-length"] == str(len(SCRIPT))


@pytest.mark.parametrize("path", ["/assets/missing.js", "/../secret.txt", "/assets/..%2F..%2Fsecret.txt"])
def test_a_missing_asset_is_a_404_and_nothing_outside_the_console_is_served(anonymous, path):
    answer = anonymous.get(path)
    assert answer.status_code == 404 and "not the console" not in answer.text


def test_the_services_own_routes_are_not_shadowed(anonymous):
    assert anonymous.get("/livez").json() == {"status": "ok"}
    assert anonymous.get("/readyz").json()["status"] == "ready"
    assert anonymous.get("/metrics").text.startswith("#")  # loopback: Prometheus text
    finder = anonymous.get("/qr/not-a-code")
    assert finder.status_code == 404 and INDEX not in finder.text
    assert anonymous.get("/graphql", headers={"Accept": "text/html"}).status_code == 200  # GraphiQL (development)
    assert INDEX not in anonymous.get("/graphql", headers={"Accept": "text/html"}).text
    assert anonymous.get("/graphql/anything").status_code in (401, 404)
    assert INDEX not in anonymous.get("/ledger/check").text


def test_only_reading_the_console_is_public(anonymous):
    refused = anonymous.post("/overview", json={})
    assert refused.status_code == 401 and refused.json()["error"].startswith("missing bearer token")
    assert anonymous.post("/graphql", json={"query": "{ me { role } }"}).status_code == 401


def test_without_a_build_the_console_says_how_to_build_it(store, tmp_path):
    app = create_app(Settings(home=tmp_path, console_dir=tmp_path / "nowhere"), store=store)
    with TestClient(app) as client:
        answer = client.get("/")
    assert answer.status_code == 404 and "make setup" in answer.text
