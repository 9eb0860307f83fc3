"""Parsers for single ledger cells.

Every parser takes a non-empty cell, either text (already stripped) or a
:class:`datetime.date` from a real Excel date cell, and returns the
normalised value, or raises :class:`ParseError` whose message is the reason
shown to the user. Empty cells never reach a parser (see ``DEFAULTS``).

>>> parse_grid("第3网格"), parse_building("5号楼"), parse_unit("2单元")
('3', '5', '2')
>>> parse_date("2024年3月5日")
datetime.date(2024, 3, 5)
>>> mask_id("11010519491231002X")
'**************002X'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import TypeAlias

from analysis.domain import (
    CARE_KINDS,
    LEADER_ROLES,
    SERVICE_KINDS,
    SERVICE_ROLES,
    CareKind,
    CareTier,
    Post,
    Role,
    ServiceKind,
    ServiceRole,
    VisitMode,
    VisitOutcome,
    today,
)
from loaders.numerals import arabic, digits


class Spread(str):
    """The text of a merged cell, read on a row the merge covers below its first (a grid written once down
    the rows of a unit): a row holding nothing else is empty."""

    __slots__ = ()


#: A ledger cell: stripped text (``""`` when empty; `Spread` when it comes from a merged cell above), or a
#: date from a real Excel date cell.
Cell: TypeAlias = str | date
#: What a parser makes of a cell (or the default of an empty one): text, a date (and time), a yes/no or a count.
Value: TypeAlias = str | date | datetime | bool | int | None
#: A cell parser: the value, or :class:`ParseError`.
Parser: TypeAlias = Callable[[Cell], Value]


class ParseError(ValueError):
    """A cell that cannot be read; ``str(error)`` is the reason."""


def text(value: Cell) -> str:
    """Return a cell as text (a date cell as ``YYYY-MM-DD``)."""
    return value if isinstance(value, str) else value.isoformat()


@lru_cache(maxsize=4096)
def _key(value: str) -> str:
    """Fold width and case and drop separators: ``"Grid-Leader"`` -> ``"gridleader"``."""
    folded = unicodedata.normalize("NFKC", value).strip().lower().replace("&", "and")
    for us, uk in (("organizer", "organiser"), ("neighbor", "neighbour"), ("advisor", "adviser")):
        folded = folded.replace(us, uk)
    return re.sub(r"[\s_\-]+", "", folded)


def _lookup(table: dict[str, str], value: Cell, what: str) -> str:
    found = table.get(_key(text(value)))
    if found is None:
        raise ParseError(f"unknown {what}")
    return found


# --- dates ---------------------------------------------------------------

_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_MONTH = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?|(\d{4})(\d{2})")
#: A birth date as registers type it, or as Excel holds it in a number cell: 19480305.
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _compact(match: re.Match[str]) -> date:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ParseError("no such date") from None


class Month(date):
    """A birth date read from a year-and-month column (出生年月): only its year and month are compared with
    a national id's. Its day is the one written, or 1 (`MonthOnly`)."""


class MonthOnly(Month):
    """A year and a month without a day (``1950.03``, ``1950年3月``): not a birth date by itself."""


def parse_date(value: Cell) -> date:
    """Read ``2024-03-05``, ``2024/3/5``, ``2024.03.05``, ``2024年3月5日`` or a date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _date_text(value)


def parse_birth_date(value: Cell) -> date:
    """Read a date (as :func:`parse_date`, or ``19480305`` as registers write birth dates) that is not in the
    future. A year and a month alone (``1948.03``, as many registers keep a 出生日期) is read as
    :func:`parse_birth_month` reads it: checked against the national id, and no birth date without one.

    >>> parse_birth_date("1948.3.5"), parse_birth_date("19480305"), parse_birth_date("1948.03")
    (datetime.date(1948, 3, 5), datetime.date(1948, 3, 5), MonthOnly(1948, 3, 1))
    """
    folded = digits(value) if isinstance(value, str) else ""
    compact = _COMPACT.fullmatch(folded)
    if compact is None and _MONTH.fullmatch(folded):
        return parse_birth_month(value)
    born = _compact(compact) if compact else parse_date(value)
    if born > today():
        raise ParseError("birth date is in the future")
    return born


def parse_birth_month(value: Cell) -> Month:
    """Read a birth year and month (出生年月): ``1950.03``, ``1950-3``, ``1950年3月``, ``195003``, or a whole date.

    >>> parse_birth_month("1950.03"), parse_birth_month("1950年3月5日"), parse_birth_month("195003")
    (MonthOnly(1950, 3, 1), Month(1950, 3, 5), MonthOnly(1950, 3, 1))
    """
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        born: Month = Month(day.year, day.month, day.day)
    else:
        folded = digits(value)
        match = _MONTH.fullmatch(folded)
        if match is None:
            compact = _COMPACT.fullmatch(folded)
            whole = _compact(compact) if compact else _date_text(folded)
            born = Month(whole.year, whole.month, whole.day)
        else:
            year, month = int(match.group(1) or match.group(3)), int(match.group(2) or match.group(4))
            if not 1 <= month <= 12:
                raise ParseError("no such month")
            born = MonthOnly(year, month, 1)
    if born > today():
        raise ParseError("birth date is in the future")
    return born


_TIME = re.compile(r"(.+?)[\sT]+(\d{1,2})(?::|时|點|点)(\d{1,2})(?:分)?(?::(\d{1,2})(?:\.\d+)?)?")


def parse_moment(value: Cell) -> date:
    """Read a date (as :func:`parse_date`), or a date and a time: ``2026-10-08 14:30``, ``2026/10/8 9:05``,
    ``2026年10月8日 14时30分``, or a date or date-and-time cell. A time comes back as a naive `datetime` (the
    community's local time), a date alone as a `date`.

    >>> parse_moment("2026/10/8 9:05"), parse_moment("2026-10-08")
    (datetime.datetime(2026, 10, 8, 9, 5), datetime.date(2026, 10, 8))
    """
    if isinstance(value, date):
        return value
    folded = unicodedata.normalize("NFKC", value).strip()
    match = _TIME.fullmatch(folded)
    if match is None:
        return _date_text(folded)
    day = _date_text(match.group(1).strip())
    hour, minute, second = int(match.group(2)), int(match.group(3)), int(match.group(4) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ParseError("no such time of day (write 14:30)")
    return datetime(day.year, day.month, day.day, hour, minute, second)


def _date_text(value: str) -> date:
    value = digits(value)  # full-width digits and separators, Chinese numerals: 二〇二四年三月五日
    match = _DATE.fullmatch(value)
    if match:
        year, month, day = match.group(1, 3, 4)
    else:
        match = _DATE_ZH.fullmatch(value)
        if not match:
            raise ParseError("not a date (write 2024-03-05, 2024/3/5, 2024.03.05 or 2024年3月5日)")
        year, month, day = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ParseError("no such date") from None


# --- booleans, gender, national id -----------------------------------------

_BOOLS = dict.fromkeys(("是", "y", "yes", "true", "1", "√", "✓", "✔", "☑", "是的"), True) | dict.fromkeys(
    ("否", "n", "no", "false", "0", "×", "✗", "✘", "☐", "不是"), False
)
_GENDERS = dict.fromkeys(("男", "m", "male", "男性"), "M") | dict.fromkeys(("女", "f", "female", "女性"), "F")


def parse_bool(value: Cell) -> bool:
    """Read 是/否, Y/N, yes/no, true/false or 1/0 (any case), and the ticks of paper forms: √ / ×."""
    found = _BOOLS.get(_key(text(value)))
    if found is None:
        raise ParseError("not a yes/no value (write 是/否, Y/N, yes/no, true/false or 1/0)")
    return found


def parse_gender(value: Cell) -> str:
    """Read 男/女 (男性/女性), M/F or male/female as ``"M"`` or ``"F"``."""
    return _lookup(_GENDERS, value, "gender (write 男/女, M/F or male/female)")


#: 政治面貌 as registers write it: a member of the Communist Party of China, full or probationary, or not.
#: Members of the eight other parties (民革党员, 九三学社社员, …) are not Party members in the Party network.
_MEMBERS = ("中共党员", "中共预备党员", "中国共产党党员", "中国共产党预备党员", "共产党员", "党员", "预备党员")
_NOT_MEMBERS = (
    "群众",
    "共青团员",
    "团员",
    "中国共产主义青年团团员",
    "少先队员",
    "无党派人士",
    "无党派",
    "民主党派",
    "民革党员",
    "民盟盟员",
    "民建会员",
    "民进会员",
    "农工党党员",
    "致公党党员",
    "九三学社社员",
    "台盟盟员",
    "无",
    "其他",
)
_POLITICAL = dict.fromkeys(map(_key, _MEMBERS), True) | dict.fromkeys(map(_key, _NOT_MEMBERS), False)


def parse_political(value: Cell) -> bool:
    """Read a 政治面貌 as whether the resident is a Party member: 中共党员 and 中共预备党员 are; 群众,
    共青团员 and members of the other parties are not.

    >>> parse_political("中共预备党员"), parse_political("群众"), parse_political("民革党员")
    (True, False, False)
    """
    found = _POLITICAL.get(_key(text(value)))
    if found is None:
        raise ParseError("unknown 政治面貌 (write 中共党员, 中共预备党员, 共青团员, 群众, …)")
    return found


_ALONE = re.compile(r"(?<![非不])(?:独居|独住|一人居住|单人居住|孤寡)")


def parse_living(value: Cell) -> bool:
    """Read a 居住情况 (how a resident lives) as whether they live alone: 独居, 独住 are; 与子女同住, 空巢
    (an elderly couple), 非独居 are not.

    >>> parse_living("独居"), parse_living("与老伴同住"), parse_living("非独居")
    (True, False, False)
    """
    return _ALONE.search(unicodedata.normalize("NFKC", text(value))) is not None


_ALONE_WORDS = re.compile(r"(?:独居|独住|一人居住|单人居住)(?:老人)?")
_NOT_ALONE_WORDS = re.compile(r"(?:非|不)(?:独居|独住)(?:老人)?|.*(?:同住|同居|空巢).*")


def parse_alone(value: Cell) -> bool:
    """Read whether a resident lives alone (独居, 是否独居): a yes/no as :func:`parse_bool` reads it, or the word
    itself, as registers write it in that column: 独居 (独住, 独居老人) is yes; 非独居, 空巢 and 与子女同住 no.

    >>> parse_alone("是"), parse_alone("√"), parse_alone("独居"), parse_alone("非独居"), parse_alone("空巢")
    (True, True, True, False, False)
    """
    found = _BOOLS.get(_key(text(value)))
    if found is not None:
        return found
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text(value)))
    if _ALONE_WORDS.fullmatch(folded):
        return True
    if _NOT_ALONE_WORDS.fullmatch(folded):
        return False
    raise ParseError("not a yes/no value (write 是/否, Y/N, yes/no, true/false or 1/0, or 独居/非独居)")


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def national_id_is_valid(value: str) -> bool:
    """Tell whether ``value`` is an 18-character ID with a valid GB 11643 checksum.

    >>> national_id_is_valid("11010519491231002X"), national_id_is_valid("110105194912310021")
    (True, False)
    """
    if not isinstance(value, str) or len(value) != 18 or not value.isascii():
        return False
    if not value[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17].upper()


def mask_id(value: str) -> str:
    """Hide all but the last 4 characters (all of them if the value is that short)."""
    shown = value[-4:] if len(value) > 4 else ""
    return "*" * (len(value) - len(shown)) + shown


_AS_NUMBER = re.compile(r"[0-9](?:\.[0-9]+)?E\+?[0-9]+")


def parse_national_id(value: Cell) -> str:
    """Read a national ID, upper-casing a final ``x`` and dropping spaces (full-width ones too).

    An id stored as a number (``2.20104194803050E+17``: Excel keeps 15 digits of it) and a 15-digit id of
    the first generation are refused with what to do about them, never read as some other id.
    """
    found = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text(value))).upper()
    if _AS_NUMBER.fullmatch(found):
        raise ParseError(
            "the national id is stored as a number, and Excel keeps only its first 15 digits: its last digits"
            " are lost. Format the column as text (设置单元格格式 → 文本) and type the ids again"
        )
    if len(found) == 15 and found.isdigit():
        raise ParseError("a 15-digit national id of the first generation: write the person's 18-character id")
    if not national_id_is_valid(found):
        raise ParseError("not a valid national id (18 characters, GB 11643 checksum)")
    return found


# --- counts ----------------------------------------------------------------

_COUNT = re.compile(r"(\d+)\s*人?")


def parse_count(value: Cell) -> int:
    """Read a whole number of people, 0 or more: ``3``, ``３``, ``3人``.

    >>> parse_count("3"), parse_count("３人"), parse_count("三人")
    (3, 3, 3)
    """
    match = _COUNT.fullmatch(digits(text(value)))
    if not match:
        raise ParseError("not a whole number of people (write 0, 1, 2, …)")
    return int(match.group(1))


_MINUTES = re.compile(r"(\d+)\s*(?:分钟|分|min|minutes?)?", re.I)


def parse_minutes(value: Cell) -> int:
    """Read a whole number of minutes, 1 to 1440: ``45``, ``45分钟``.

    >>> parse_minutes("45分钟"), parse_minutes("90")
    (45, 90)
    """
    match = _MINUTES.fullmatch(unicodedata.normalize("NFKC", text(value)).strip())
    if not match:
        raise ParseError("not a whole number of minutes (write 45 or 45分钟)")
    minutes = int(match.group(1))
    if not 1 <= minutes <= 24 * 60:
        raise ParseError("minutes must be between 1 and 1440")
    return minutes


# --- places --------------------------------------------------------------

_PLACES = {
    "grid": re.compile(r"(?:第|grid\s*|网格\s*[:：]?\s*第?)?\s*(.*?)\s*(?:号)?\s*(?:网格)?", re.I),
    "building": re.compile(r"(?:第|building\s*|bldg\.?\s*)?\s*(.*?)\s*(?:号楼|号栋|栋|幢|#楼|#|号|楼)?", re.I),
    "unit": re.compile(r"(?:第|unit\s*)?\s*(.*?)\s*(?:号?单元|号?门|号)?", re.I),
}


def _place(kind: str, value: str) -> str:
    """Read a place label; a cell with a line break inside is not one.

    >>> try:
    ...     parse_unit("2\\n3")
    ... except ParseError as error:
    ...     print(error)
    not a unit (the cell holds a line break)
    """
    folded = unicodedata.normalize("NFKC", value).strip()
    match = _PLACES[kind].fullmatch(folded)
    if match is None:  # only a line break inside the cell keeps the pattern from matching
        raise ParseError(f"not a {kind} (the cell holds a line break)")
    label = match.group(1)
    if not label:
        raise ParseError(f"no {kind} number")
    return arabic(label)


def parse_grid(value: Cell) -> str:
    """Read ``第3网格``, ``3网格``, ``第三网格``, ``网格3``, ``三`` or ``3`` as ``"3"``.

    >>> parse_grid("网格3"), parse_grid("网格：三"), parse_grid("三"), parse_grid("Grid 3")
    ('3', '3', '3', '3')
    """
    return _place("grid", text(value))


def parse_building(value: Cell) -> str:
    """Read ``5栋``, ``5号楼``, ``5幢``, ``5#``, ``五号楼`` or ``5`` as ``"5"``; ``A座`` stays ``"A座"``."""
    return _place("building", text(value))


def parse_unit(value: Cell) -> str:
    """Read ``2单元``, ``二单元``, ``2门`` or ``2`` as ``"2"``."""
    return _place("unit", text(value))


_ROOM = re.compile(r"(?:(?P<floor>\d+)(?:楼|层))?(?P<room>[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:室|号|户|房)?")


def parse_room(value: Cell) -> str:
    """Read a room (门牌号) as its number: ``301``, ``301室``, ``３０１``, ``三〇一`` are ``"301"``; a floor
    and a door, ``3楼1号``, are the floor and the door in two digits, ``"301"``. Any other room is kept as
    written (full-width characters folded): ``东户`` stays ``"东户"``.

    >>> parse_room("301室"), parse_room("三〇一"), parse_room("3楼1号"), parse_room("3层301"), parse_room("东户")
    ('301', '301', '301', '301', '东户')
    """
    folded = re.sub(r"\s+", "", digits(text(value)))
    match = _ROOM.fullmatch(folded)
    if match is None:
        return unicodedata.normalize("NFKC", text(value)).strip()
    return room_number(match.group("floor"), match.group("room"))


def parse_phone(value: Cell) -> str:
    """A phone number as written, full-width digits folded: ``１３８ ００００ １２３４`` is ``"138 0000 1234"``."""
    return unicodedata.normalize("NFKC", text(value)).strip()


def room_number(floor: str | None, door: str) -> str:
    """A room from its door and, if written, its floor: the door when it already starts with the floor
    (``3楼301`` is 301), else the floor and the door in two digits (``3楼1号`` is 301, ``12层3`` is 1203)."""
    if floor is None or not door.isdigit():
        return door
    floor = str(int(floor))
    if len(door) > 2 and door.startswith(floor):
        return door
    return f"{floor}{int(door):02d}"


# --- coded values --------------------------------------------------------


def _codes(
    codes: tuple[Role | CareKind | ServiceRole | VisitMode | VisitOutcome | CareTier | ServiceKind, ...],
    **aliases: StrEnum,
) -> dict[str, str]:
    """Each code by its folded English spelling, its Chinese name, and the aliases given."""
    return (
        {_key(code): code.value for code in codes}
        | {code.zh: code.value for code in codes}
        | {_key(alias): code.value for alias, code in aliases.items()}
    )


_LEADER_ROLES = _codes(LEADER_ROLES, 楼长=Role.BUILDING_LEADER)
_CARE_KINDS = _codes(CARE_KINDS)
_SERVICE_ROLES = _codes(
    SERVICE_ROLES,
    public_security_patroller=ServiceRole.SECURITY_PATROLLER,
    political_education_publicist=ServiceRole.POLITICAL_PUBLICIST,
    science_knowledge_communicator=ServiceRole.SCIENCE_COMMUNICATOR,
    culture_and_sports_organiser=ServiceRole.CULTURE_SPORTS_ORGANISER,
)
_SERVICE_KINDS = _codes(SERVICE_KINDS, 送餐=ServiceKind.MEALS, 助浴=ServiceKind.BATHING, 送药=ServiceKind.MEDICINE)
_VISIT_MODES = _codes(tuple(VisitMode), 上门探访=VisitMode.HOME, 入户=VisitMode.HOME, 电话探访=VisitMode.PHONE)
_VISIT_OUTCOMES = _codes(tuple(VisitOutcome), 良好=VisitOutcome.OK, 需帮助=VisitOutcome.NEEDS_HELP)
_CARE_TIERS = _codes(tuple(CareTier), 高=CareTier.HIGH, 高风险老人=CareTier.HIGH, 重点老人=CareTier.KEY)
_POSTS = {_key(p): p.value for p in Post} | {_key(p) + "岗": p.value for p in Post}


def parse_leader_role(value: Cell) -> str:
    """Read 网格长/楼栋长/单元长 or grid_leader/building_leader/unit_leader."""
    return _lookup(_LEADER_ROLES, value, "role (网格长, 楼栋长 or 单元长)")


def parse_care_kind(value: Cell) -> str:
    """Read 包保/家属/志愿者/邻居 or the English codes."""
    return _lookup(_CARE_KINDS, value, "kind (包保, 家属, 志愿者 or 邻居)")


def parse_service_role(value: Cell) -> str:
    """Read one of the 8 grid service roles, in Chinese or English."""
    return _lookup(_SERVICE_ROLES, value, "grid service role")


def parse_service_kind(value: Cell) -> str:
    """Read one of the six deliveries or other: 理发/洗澡/配餐/医药/家政/代办/其他, or the English codes."""
    return _lookup(_SERVICE_KINDS, value, "kind of service (理发, 洗澡, 配餐, 医药, 家政, 代办 or 其他)")


def parse_visit_mode(value: Cell) -> str:
    """Read 上门/电话/视频 or home/phone/video."""
    return _lookup(_VISIT_MODES, value, "way of visiting (上门, 电话 or 视频)")


def parse_visit_outcome(value: Cell) -> str:
    """Read 正常/需要帮助/不在家/住院/紧急 or ok/needs_help/not_home/hospital/emergency."""
    return _lookup(_VISIT_OUTCOMES, value, "outcome (正常, 需要帮助, 不在家, 住院 or 紧急)")


def parse_care_tier(value: Cell) -> str:
    """Read 高风险/重点/一般/无 or high/key/general/none."""
    return _lookup(_CARE_TIERS, value, "care tier (高风险, 重点, 一般 or 无)")


def parse_post(value: Cell) -> str:
    """Read the AB post, ``A`` or ``B``."""
    return _lookup(_POSTS, value, "post (A or B)")


_cached = lru_cache(maxsize=65536)
PARSERS: dict[str, Parser | None] = {
    "text": None,  # plain text: the cell itself (a date cell as YYYY-MM-DD)
    "date": _cached(parse_date),
    "birth_date": _cached(parse_birth_date),
    "bool": _cached(parse_bool),
    "gender": _cached(parse_gender),
    "birth_month": _cached(parse_birth_month),
    "political": _cached(parse_political),
    "living": _cached(parse_living),
    "alone": _cached(parse_alone),
    "room": _cached(parse_room),
    "phone": _cached(parse_phone),
    "national_id": parse_national_id,
    "count": _cached(parse_count),
    "grid": _cached(parse_grid),
    "building": _cached(parse_building),
    "unit": _cached(parse_unit),
    "leader_role": _cached(parse_leader_role),
    "care_kind": _cached(parse_care_kind),
    "service_role": _cached(parse_service_role),
    "post": _cached(parse_post),
    "moment": _cached(parse_moment),
    "service_kind": _cached(parse_service_kind),
    "minutes": _cached(parse_minutes),
    "visit_mode": _cached(parse_visit_mode),
    "visit_outcome": _cached(parse_visit_outcome),
    "care_tier": _cached(parse_care_tier),
}
"""Parser of each column kind (``None``: plain text); repeated values are cached."""

DEFAULTS: dict[str, Value] = {
    "bool": False,
    "alone": False,
    "political": False,
    "living": False,
    "post": Post.A.value,
    "care_kind": CareKind.RESPONSIBILITY.value,
    "visit_mode": VisitMode.HOME.value,
    "visit_outcome": VisitOutcome.OK.value,
}
"""Value of an empty optional cell, by column kind (``None`` if not listed)."""
