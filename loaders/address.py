"""Addresses in one column (家庭住址, 现住址, 住址), and the places a sheet's name or title gives.

An address is read from its end: the room, before it the unit, before that the building; whatever comes
first is the estate's name (and district, street …) and is dropped. The forms registers use:

- words: ``长山花园5栋2单元301室``, ``5号楼二单元301``, ``5幢2门301号``, ``A座1单元102``, with or
  without a floor (``5栋2单元3楼301``; ``3楼1号`` is room 301);
- dashes: ``5-2-301`` (building, unit, room), ``５－２－３０１``, ``5栋2-301``, ``5-2-3-1`` (floor 3, door 1);
- without the building, when the sheet names it: ``2单元301``, ``2-301``.

Full-width characters and Chinese numerals are read as digits (``五栋二单元三〇一室``).

>>> parse_address("长山花园5栋2单元301室")
Address(building='5', unit='2', room='301')
>>> parse_address("５-２-３０１"), parse_address("2单元301")
(Address(building='5', unit='2', room='301'), Address(building=None, unit='2', room='301'))
>>> place_hints("5号楼"), place_hints("第三网格 7栋居民信息台账"), place_hints("5、6号楼")
((None, '5'), ('3', '7'), (None, None))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.numerals import CHINESE, digits
from loaders.parse import ParseError, parse_building, room_number

_NUM = r"[0-9]+"
_BUILDING = r"(?P<b>[0-9]+|[A-Za-z])(?P<bw>号楼|号栋|栋|幢|#楼|#|号|楼|座)"
_UNIT_WORD = r"(?:单元|号门|门)"
_FLOOR = rf"(?:(?P<floor>{_NUM})(?:楼|层)-?)?"
_ROOM = r"(?P<room>[0-9]+[A-Za-z]?|[A-Za-z][0-9]+)(?:室|号|户|房)?"
_PREFIX = r"(?P<prefix>.*?)"
_NO_DIGIT_BEFORE = r"(?P<prefix>(?:.*[^0-9\-])?)"  # an estate's name, not ending in a digit or a dash

_FORMS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"{_PREFIX}{_BUILDING}-?(?P<u>{_NUM}){_UNIT_WORD}-?{_FLOOR}{_ROOM}",  # 5栋2单元(3楼)301室
        rf"{_PREFIX}{_BUILDING}-?(?P<u>{_NUM})-{_FLOOR}{_ROOM}",  # 5栋2-301
        rf"{_NO_DIGIT_BEFORE}(?P<b>{_NUM})-(?P<u>{_NUM})-(?:(?P<floor>{_NUM})-)?{_ROOM}",  # 5-2-301, 5-2-3-1
        rf"{_PREFIX}(?P<u>{_NUM}){_UNIT_WORD}-?{_FLOOR}{_ROOM}",  # 2单元301
        rf"{_NO_DIGIT_BEFORE}(?P<u>{_NUM})-(?P<room>[0-9]{{3,}}[A-Za-z]?)(?:室|号|户|房)?",  # 2-301
    )
)
_DASHES = re.compile(r"[‐‑‒–—―−~～_/\\、，,·]+")
_NOISE = re.compile(r"[\s。．：:]+")
MAX_ADDRESS = 200


@dataclass(frozen=True)
class Address:
    """The place an address names: the building (``None`` when the address leaves it out), unit and room."""

    building: str | None
    unit: str
    room: str


def parse_address(value: str) -> Address:
    """Read an address into building, unit and room.

    Raises
    ------
    ParseError
        If it is none of the forms of this module (the reason says which forms are read).
    """
    if len(value) > MAX_ADDRESS:
        raise ParseError(f"not an address (longer than {MAX_ADDRESS} characters)")
    folded = _DASHES.sub("-", _NOISE.sub("", digits(value))).strip("-")
    for form in _FORMS:
        match = form.fullmatch(folded)
        if match is None:
            continue
        parts = match.groupdict()
        building = parse_building(parts["b"] + (parts.get("bw") or "")) if parts.get("b") else None
        return Address(building, parts["u"], room_number(parts.get("floor"), parts["room"]))
    raise ParseError(
        "cannot read the address: write the building, unit and room, e.g. 长山花园5栋2单元301室, 5号楼2单元301 "
        "or 5-2-301"
    )


_NUMBER = rf"(?:[0-9]+|{CHINESE})"
_GRID_HINT = re.compile(
    rf"(?:第\s*(?P<a>{_NUMBER})\s*号?\s*网格|(?P<b>[0-9]+)\s*号?\s*网格|网格\s*[:：]?\s*(?P<c>{_NUMBER}))"
)
_BUILDING_HINT = re.compile(rf"(?P<n>[0-9]+|{CHINESE}|[A-Za-z])\s*(?P<w>号楼|号栋|栋|幢|#楼|座)")
_LIST = re.compile(rf"{_NUMBER}\s*[、,，和及与\-~～至到]\s*{_NUMBER}\s*(?:号楼|号栋|栋|幢|#楼|座)")


def place_hints(title: str) -> tuple[str | None, str | None]:
    """The grid and the building a sheet's name or a title row above its header names, each ``None``
    unless named exactly once (``5、6号楼`` names no single building).

    >>> place_hints("长山花园社区五号楼"), place_hints("网格：3"), place_hints("说明")
    ((None, '5'), ('3', None), (None, None))
    """
    text = digits(title)
    grids = {
        str(int(number))
        for match in _GRID_HINT.finditer(text)
        if (number := match.group("a") or match.group("b") or match.group("c")) and number.isdigit()
    }
    buildings = set()
    if not _LIST.search(text):
        buildings = {parse_building(m.group("n") + m.group("w")) for m in _BUILDING_HINT.finditer(text)}
    return (grids.pop() if len(grids) == 1 else None, buildings.pop() if len(buildings) == 1 else None)
