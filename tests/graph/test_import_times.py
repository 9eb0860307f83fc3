"""The times the import CREATEs are sent as epoch seconds, nanoseconds and offset: Cypher builds from them the
very datetime the driver would have packed (instant, offset and text), for the offsets the import stores."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from graph.imports.cypher import _time
from graph.imports.write import shipped

OFFSETS = [
    timezone(timedelta(hours=8)),
    UTC,
    timezone(timedelta(hours=-5, minutes=-30)),
    timezone(timedelta(hours=5, minutes=45)),
]
INSTANTS = [
    datetime(2025, 5, 3, 1, 30, tzinfo=UTC),
    datetime(2024, 12, 31, 16, 0, 0, 1, tzinfo=UTC),  # New Year's Day at +08:00, one microsecond
    datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),  # just before the epoch
    datetime(1890, 3, 1, 12, 0, tzinfo=UTC),  # before 1901: the import sends such times in UTC
    datetime(2100, 2, 28, 23, 59, 59, tzinfo=UTC),
]
BUILT = f"UNWIND $rows AS row RETURN [k IN keys(row.propsTimes) | {_time('propsTimes')}][0] AS built, row.sent AS sent"


def test_the_datetime_built_from_the_shipped_parts_is_the_one_the_driver_packs(store):
    times = [at.astimezone(tz) for at in INSTANTS for tz in OFFSETS]
    rows = [shipped({"id": str(n), "props": {"at": at, "mode": "home"}}) | {"sent": at} for n, at in enumerate(times)]
    assert all(row["props"] == {"mode": "home"} and set(row["propsTimes"]) == {"at"} for row in rows)
    records = store.read("import-times", BUILT, rows=rows)
    assert len(records) == len(times)
    for record in records:
        assert record["built"] == record["sent"] and str(record["built"]) == str(record["sent"])
        assert record["built"].utcoffset() == record["sent"].utcoffset()


def test_a_time_with_a_named_zone_or_without_one_stays_for_the_driver():
    named, naive = datetime(2025, 5, 3, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")), datetime(2025, 5, 3, 9, 30)
    row = shipped({"id": "x", "props": {"a": named, "b": naive}, "event": {"at": naive}})
    assert row["props"] == {"a": named, "b": naive} and row["propsTimes"] == {} and row["eventTimes"] == {}
