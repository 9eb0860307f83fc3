"""`gridcare token issue | list | revoke` with the real CLI, checked against the app and the store."""

import re
import uuid

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from loaders.ledger import read_ledger
from loaders.writer import plan_import, write_plan
from tests.cli.test_import import ledger_sheets, write_csv_ledger


@pytest.fixture(scope="module")
def seeded(store, driver, database, tmp_path_factory):
    """The small ledger of the import tests (grids 1-2, units 1-1, 1-2, 2-1, residents A1-A5)."""
    name = f"令牌社区-{uuid.uuid4().hex[:8]}"
    ledger = read_ledger(write_csv_ledger(tmp_path_factory.mktemp("ledger"), ledger_sheets()), name)
    write_plan(store, plan_import(ledger, hash_national_id=lambda s: "h"))
    yield name
    driver.execute_query("MATCH (n {community: $c}) DETACH DELETE n", c=name, database_=database)


@pytest.fixture(scope="module")
def client(store, gridcare_home):
    """The app under the CLI's home, so that it checks tokens with the CLI's key."""
    with TestClient(create_app(Settings(home=gridcare_home), store=store)) as client:
        yield client


def ask(client, token):
    return client.post(
        "/graphql", json={"query": "{ communities { name } }"}, headers={"Authorization": f"Bearer {token}"}
    )


def test_issue_list_and_revoke(gridcare, client, seeded, driver, database):
    done = gridcare(
        "token",
        "issue",
        "--community",
        seeded,
        "--role",
        "unit_leader",
        "--scope",
        "unit:1-2",
        "--resident",
        "A3",
        "--expires",
        "12h",
        "--label",
        "单元长",
        check=True,
    )
    token = done.stdout.strip()
    assert token.startswith("gc_") and "\n" not in token and len(token) > 40
    assert "role unit_leader" in done.stderr and "scope unit:1-2" in done.stderr and "expires 20" in done.stderr
    # authenticated, and scoped to its community (`schema.scope`)
    served = ask(client, token)
    assert served.status_code == 200 and served.json() == {"data": {"communities": [{"name": seeded}]}}

    listed = gridcare("token", "list", "--community", seeded, check=True).stdout
    stored, _, _ = driver.execute_query(
        "MATCH (t:ApiToken {community: $c}) RETURN t.id AS id, t.hash AS hash", c=seeded, database_=database
    )
    assert len(stored) == 1 and stored[0]["id"] in listed and "unit_leader" in listed and "单元长" in listed
    assert token not in listed and stored[0]["hash"] not in listed and token not in str(stored)

    revoked = gridcare("token", "revoke", stored[0]["id"], check=True)
    assert "revoked at" in revoked.stdout
    answer = ask(client, token)
    assert answer.status_code == 401 and answer.json()["error"] == "token revoked"
    assert stored[0]["id"] in gridcare("token", "list", check=True).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "grid_leader"], "role grid_leader needs --scope grid:"),
        (["--role", "building_leader", "--scope", "grid:1"], "needs --scope building:"),
        (["--role", "unit_leader", "--scope", "unit:2"], "e.g. unit:5-2"),
        (["--role", "staff", "--scope", "grid:1"], "role staff takes no --scope"),
        (["--role", "volunteer"], "role volunteer needs --resident"),
        (["--role", "admin"], "admin covers every community"),
        (["--role", "staff", "--expires", "2020-01-01"], "is not in the future"),
        (["--role", "staff", "--expires", "soon"], "is not 30d, 12h, YYYY-MM-DD or never"),
    ],
)
def test_bad_requests_are_usage_errors(gridcare, seeded, args, message):
    done = gridcare("token", "issue", "--community", seeded, *args)
    assert done.returncode == 2 and message in done.stderr and not done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--community", "没有这个社区", "--role", "staff"], "no community named '没有这个社区'"),
        (["--role", "grid_leader", "--scope", "grid:9"], "invalid scope: no grid"),
        (["--role", "volunteer", "--resident", "Z9"], "invalid resident: no resident"),
    ],
)
def test_places_and_people_must_exist(gridcare, seeded, args, message):
    full = args if "--community" in args else ["--community", seeded, *args]
    done = gridcare("token", "issue", *full)
    assert done.returncode == 1 and message in done.stderr and not done.stdout


def test_admin_tokens_and_unknown_ids(gridcare, client, driver, database):
    done = gridcare("token", "issue", "--role", "admin", "--expires", "1d", check=True)
    token_id = re.match(r"token (\w+): role admin, expires", done.stderr)[1]
    try:
        assert ask(client, done.stdout.strip()).status_code == 200
    finally:
        driver.execute_query("MATCH (t:ApiToken {id: $id}) DELETE t", id=token_id, database_=database)
    missing = gridcare("token", "revoke", "no-such-id")
    assert missing.returncode == 1 and "no token with id 'no-such-id'" in missing.stderr


def test_production_needs_an_explicit_key(gridcare, seeded):
    done = gridcare("token", "issue", "--community", seeded, "--role", "staff", env={"GRIDCARE_MODE": "production"})
    assert done.returncode == 1 and "GRIDCARE_TOKEN_KEY" in done.stderr and not done.stdout
