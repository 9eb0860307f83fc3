"""Fixtures for the store-level tests."""

from __future__ import annotations

import pytest

from graph import mutations_common
from tests.graph.test_mutations import TODAY


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """Mutations date their records by the same day the assertions expect,
    even when a run crosses midnight."""
    monkeypatch.setattr(mutations_common, "clock", lambda: TODAY)
    return TODAY
