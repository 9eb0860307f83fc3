"""The ``Date`` scalar, with the range of dates the service works with.

Dates are ISO 8601 (``2026-11-30``), as strawberry's own ``Date``; a date before
`EARLIEST` or after `LATEST` is refused as bad input, so no computation downstream
(an age, a birth year sixty years earlier) leaves the calendar.
"""

from __future__ import annotations

from datetime import date, datetime

from strawberry.types.scalar import ScalarDefinition

EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


def _serialize(value: date) -> str:
    return value.isoformat()


def parse_date(value: object) -> date:
    """An ISO date within `EARLIEST`…`LATEST`; ``ValueError`` (bad input) otherwise."""
    if not isinstance(value, str):
        raise ValueError("a date is written as text, YYYY-MM-DD")
    parsed = date.fromisoformat(value)
    if not EARLIEST <= parsed <= LATEST:
        raise ValueError(f"dates are accepted from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return parsed


DATE = ScalarDefinition(
    name="Date",
    description="Date (isoformat)",
    specified_by_url=None,
    serialize=_serialize,
    parse_value=parse_date,
    parse_literal=None,
    origin=date,
)


def parse_datetime(value: object) -> datetime:
    """An ISO date and time within `EARLIEST`…`LATEST` (a time without an offset is the community's local time,
    read by whoever uses it); ``ValueError`` (bad input) otherwise."""
    if not isinstance(value, str):
        raise ValueError("a date and time is written as text, YYYY-MM-DDTHH:MM[:SS][+08:00]")
    parsed = datetime.fromisoformat(value)
    if not EARLIEST <= parsed.date() <= LATEST:
        raise ValueError(f"dates are accepted from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return parsed


def _serialize_datetime(value: datetime) -> str:
    return value.isoformat()


DATETIME = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=_serialize_datetime,
    parse_value=parse_datetime,
    parse_literal=None,
    origin=datetime,
)
