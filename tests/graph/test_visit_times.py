"""The time of a visit as it goes to Bolt: the community's offset, always in whole minutes."""

from datetime import UTC, datetime, timedelta

import pytest

from analysis import domain
from graph.errors import Invalid
from graph.visits import NewVisit, checked

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(domain, "clock", lambda: NOW)


def test_a_naive_time_is_the_communitys_local_time_with_a_fixed_offset():
    _, _, at, _ = checked(NewVisit("r", None, datetime(2026, 6, 15, 9, 30)))
    assert at.utcoffset() == timedelta(hours=8) and at.hour == 9
    assert at.tzinfo is not None and at.tzinfo.tzname(at) == "UTC+08:00"  # no zone name for the driver to pack


def test_an_aware_time_keeps_its_instant():
    _, _, at, _ = checked(NewVisit("r", None, datetime(2026, 6, 15, 1, 30, tzinfo=UTC)))
    assert at == datetime(2026, 6, 15, 1, 30, tzinfo=UTC) and at.hour == 9


def test_local_mean_time_of_old_dates_is_not_sent_in_seconds():
    _, _, at, _ = checked(NewVisit("r", None, datetime(1900, 6, 1, 10, 0)))
    offset = at.utcoffset()
    assert offset is not None and not offset % timedelta(minutes=1)


def test_a_time_beyond_the_clock_skew_is_refused_within_it_accepted():
    checked(NewVisit("r", None, NOW + timedelta(minutes=4)))
    with pytest.raises(Invalid, match="future"):
        checked(NewVisit("r", None, NOW + timedelta(minutes=6)))
