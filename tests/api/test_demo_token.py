"""`serve --demo` revokes the demo tokens of earlier servers (one killed with kill -9 never revoked its own)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from analysis.domain import Role
from api.app import create_app
from api.settings import Settings
from api.tokens import TokenRequest, Unauthorized, authenticate, issue, token_key


def test_serve_demo_revokes_earlier_demo_tokens_before_issuing_its_own(
    store, driver, database, seeded, tmp_path, capsys
):
    settings = Settings(home=tmp_path)
    key = token_key(settings)
    expires = datetime.now(UTC) + timedelta(hours=12)
    demo = TokenRequest(role=Role.ADMIN, label="gridcare serve --demo", expires_at=expires)
    left_behind, left_record = issue(store, key, demo)  # what a demo server killed with kill -9 leaves
    other, other_record = issue(store, key, TokenRequest(role=Role.ADMIN, label="an operator's", expires_at=expires))
    ids = [left_record.id, other_record.id]
    try:
        authenticate(store, key, left_behind)  # valid until the next demo server starts

        app = create_app(settings, demo=True, store=store)  # the database is not empty: no import
        with TestClient(app):
            token = re.search(r'"Bearer (gc_[\w-]+)"', capsys.readouterr().err)[1]
            ids.append(authenticate(store, key, token).token_id)
            with pytest.raises(Unauthorized, match="token revoked"):
                authenticate(store, key, left_behind)
            authenticate(store, key, other)  # other admin tokens are left alone
    finally:
        driver.execute_query("MATCH (t:ApiToken) WHERE t.id IN $ids DELETE t", ids=ids, database_=database)
