"""Plain records of a parsed, normalised community ledger.

The readers (`loaders.ledger`) turn spreadsheet rows into these records; the
writer (`loaders.writer`) turns them into graph writes. Nothing here does I/O.

Place labels are normalised strings: grid ``"3"`` for ``第3网格``, building
``"5"`` for ``5号楼``, unit ``"2"`` for ``2单元``. Roles and kinds use the
English codes of `analysis.domain`, whatever language the ledger was written in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from analysis.domain import VisitMode, VisitOutcome

SHEETS = ("residents", "leaders", "care", "volunteers", "service_roles", "party_groups", "visits", "services")


@dataclass(frozen=True)
class Resident:
    community: str
    resident_id: str
    name: str
    birth_date: date
    grid: str
    building: str
    unit: str
    room: str
    gender: str | None = None  # "F" | "M" | None
    phone: str | None = None
    lives_alone: bool = False
    party_member: bool = False
    # sensitive: never logged, stored apart from the resident's public record
    health_notes: str | None = None
    emergency_contact: str | None = None
    emergency_phone: str | None = None
    national_id: str | None = None  # validated; hashed by the writer, never stored
    care_capacity: int | None = None  # people they can care for; None: the analysis default
    # consents (graph.consent); None: not stated in the ledger, what is stored stays
    health_consent: bool | None = None  # to recording health notes; False: none may be kept
    qr_show_contact: bool | None = None  # what the QR finder page may show
    qr_show_medical: bool | None = None
    qr_show_address: bool | None = None
    care_tier: str | None = None  # an explicit tier (analysis.domain.CareTier, "none" included); None: not stated


@dataclass(frozen=True)
class LeaderPost:
    community: str
    resident_id: str
    role: str  # one of analysis.domain.LEADER_ROLES
    grid: str | None  # the grid led (grid_leader); else the building's grid if known
    building: str | None  # building_leader and unit_leader
    unit: str | None  # unit_leader
    post: str = "A"


@dataclass(frozen=True)
class Care:
    community: str
    caregiver_id: str
    recipient_id: str
    kind: str = "responsibility"
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class VolunteerMembership:
    community: str
    resident_id: str
    team: str


@dataclass(frozen=True)
class ServiceRole:
    community: str
    resident_id: str
    grid: str
    role: str  # one of analysis.domain.SERVICE_ROLES


@dataclass(frozen=True)
class PartyGroupMembership:
    community: str
    resident_id: str
    party_group: str
    building: str


@dataclass(frozen=True)
class Visit:
    """A visit already made (探访记录): ``visited_at`` a naive local `datetime`, or a `date` when the time is
    not known."""

    community: str
    visited_at: date
    resident_id: str
    visitor_id: str | None = None  # None: community staff
    mode: str = VisitMode.HOME.value
    outcome: str = VisitOutcome.OK.value
    note: str | None = None  # sensitive: never quoted in problems

    @property
    def time_known(self) -> bool:
        return isinstance(self.visited_at, datetime)


@dataclass(frozen=True)
class ServiceDone:
    """A home service already delivered (the ``services`` sheet): kept as a request done."""

    community: str
    served_on: date  # a naive local `datetime`, or a `date` when the time is not known (then: noon)
    resident_id: str
    kind: str  # one of analysis.domain.SERVICE_KINDS
    provider_id: str | None = None
    team: str | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the ledger, located precisely.

    ``row`` is the spreadsheet row number as a user sees it (the header is
    row 1, the first data row is row 2); ``None`` for a whole-sheet problem.
    """

    sheet: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        quoted = f" ({self.value!r})" if self.value not in (None, "") else ""
        return f"{self.severity}: {where}: {self.reason}{quoted}"


@dataclass(frozen=True)
class Stopped:
    """Where reading stopped because the ledger had too many errors (`loaders.ledger.MAX_ERRORS`)."""

    sheet: str  # the sheet's name, e.g. "residents"
    label: str  # as found: the file name or the sheet title
    row: int  # the first row not read
    errors: int  # errors found until then
    rejected: int  # rows rejected until then

    def __str__(self) -> str:
        return (
            f"reading stopped at {self.label}, row {self.row}, after {self.errors:,} errors in "
            f"{self.rejected:,} rows: the rest of the ledger was not read"
        )


@dataclass(frozen=True)
class ColumnReading:
    """How one header of a sheet was read: the column it feeds (``None``: read as nothing), and how the
    header was recognised: ``contract`` (the column's own Chinese or English name), ``synonym`` (a header
    registers use, docs/ledger-format.md), ``mapping`` (the user's ``--map``), ``ignored`` (序号, or mapped
    to ``-``), ``unknown`` (ignored with a warning) or ``duplicate`` (a second header of one column)."""

    header: str
    column: str | None
    zh: str | None
    how: str
    values: str | None = None  # how its values are read when not as the column's own: "political" (政治面貌) …


@dataclass
class SheetReading:
    """How one sheet was understood, for ``gridcare import --dry-run`` and the console's check."""

    sheet: str  # as problems name it: the contract's name, or the title of a part (5号楼)
    kind: str  # the contract's sheet it is read as, e.g. "residents"
    label: str  # as found: the sheet title or the file name
    header_row: int | None = None
    title_rows: list[int] = field(default_factory=list)
    building: str | None = None  # the building its name or title gives
    grid: str | None = None  # the grid its title gives
    columns: list[ColumnReading] = field(default_factory=list)
    rows: int = 0  # data rows read (footers and rows holding only 序号 or merged cells left out)
    accepted: int = 0  # of which read without error
    blank: int = 0  # rows holding nothing but 序号 or cells merged from above
    footer: list[int] = field(default_factory=list)  # rows after the data ignored (signature, date, totals)
    repeated: list[int] = field(default_factory=list)  # rows repeating the header (atop a printed page), skipped
    derived: list[str] = field(default_factory=list)  # what is taken from elsewhere, e.g. "resident_id"
    preview: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # first rows as stored, masked


@dataclass
class Ledger:
    """A whole ledger, validated: the rows that passed and the problems found."""

    residents: list[Resident] = field(default_factory=list)
    leaders: list[LeaderPost] = field(default_factory=list)
    care: list[Care] = field(default_factory=list)
    volunteers: list[VolunteerMembership] = field(default_factory=list)
    service_roles: list[ServiceRole] = field(default_factory=list)
    party_groups: list[PartyGroupMembership] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    services: list[ServiceDone] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # rejected raw rows per sheet, for --skip-bad-rows: (row number, raw cells by header)
    rejected: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    # set when reading stopped at the error cap: the ledger was not read to its end
    stopped: Stopped | None = None
    # warnings found beyond those kept in `problems` (counted, not kept)
    warnings_not_kept: int = 0
    # how each sheet was understood, in reading order
    readings: list[SheetReading] = field(default_factory=list)
    # residents read from more than one sheet (one person in 5号楼 and in 党员), each kept once
    merged: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def communities(self) -> list[str]:
        return sorted({r.community for r in self.residents})
