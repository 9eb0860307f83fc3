"""Addresses in one column, place hints from a sheet's name, Chinese and full-width numerals, the national id's
birth date, gender and derived key."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders import parse
from loaders.address import Address, parse_address, place_hints
from loaders.identity import KEY_LENGTH, born_on, derived_key, gender_of
from loaders.numerals import arabic, chinese_number, digits
from loaders.parse import ParseError
from tests.registers import national_id

CN = "〇一二三四五六七八九"


def spoken(n: int) -> str:
    """``n`` (0-9999) as a Chinese numeral with units, the way it is said: 十一, 二十, 一百零五, 两千零二十四."""
    if n == 0:
        return "零"
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if (unit == "十" and digit == 1 and not out) else CN[digit]) + unit
    return out


def by_digit(n: int) -> str:
    return "".join(CN[int(d)] for d in str(n))


@given(st.integers(0, 9999))
def test_chinese_numerals_with_units_read_their_value(n):
    assert chinese_number(spoken(n)) == n


@given(st.integers(0, 99999))
def test_chinese_numerals_without_units_read_digit_by_digit(n):
    assert chinese_number(by_digit(n)) == n
    assert digits(f"{by_digit(n)}室") == f"{n}室"


@given(st.integers(0, 99999))
def test_full_width_digits_fold(n):
    full = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert arabic(full) == str(n) and digits(full) == str(n)


@pytest.mark.parametrize("text", ["二三十", "十百", "百百", "五号", "", "abc"])
def test_what_is_not_a_numeral(text):
    assert chinese_number(text) is None


FORMS = {
    "长山花园5栋2单元301室": ("5", "2", "301"),
    "长山花园小区5号楼2单元301": ("5", "2", "301"),
    "5号楼二单元301": ("5", "2", "301"),
    "５-２-３０１": ("5", "2", "301"),
    "５－２－３０１": ("5", "2", "301"),
    "5-2-301": ("5", "2", "301"),
    "长山花园5—2—301室": ("5", "2", "301"),
    "5栋2门301号": ("5", "2", "301"),
    "5幢2单元3楼301室": ("5", "2", "301"),
    "5栋2单元3楼1号": ("5", "2", "301"),
    "5-2-3-1": ("5", "2", "301"),
    "长山花园5#2-301": ("5", "2", "301"),
    "5栋2-301": ("5", "2", "301"),
    "五栋二单元三〇一室": ("5", "2", "301"),
    "十一号楼三单元502室": ("11", "3", "502"),
    "吉林省长春市宽城区团山街道长山花园社区7栋1单元102": ("7", "1", "102"),
    "长山花园二期5栋2单元301": ("5", "2", "301"),
    "团山街道8号长山花园5栋2单元301": ("5", "2", "301"),
    "A座1单元102": ("A座", "1", "102"),
    "5栋 2单元 301": ("5", "2", "301"),
    "5号楼，2单元，301室。": ("5", "2", "301"),
    "2单元301": (None, "2", "301"),
    "二单元三〇一": (None, "2", "301"),
    "2-301": (None, "2", "301"),
    "长山花园2-1201室": (None, "2", "1201"),
}


@pytest.mark.parametrize(("text", "expected"), FORMS.items())
def test_address_forms(text, expected):
    assert parse_address(text) == Address(*expected)


@pytest.mark.parametrize("text", ["长山花园五栋", "5栋2单元", "5栋301室", "301", "5-2", "长山花园", "x" * 201])
def test_unreadable_addresses(text):
    with pytest.raises(ParseError, match="address"):
        parse_address(text)


ESTATES = st.sampled_from(["", "长山花园", "长山花园小区", "宽城区团山街道长山花园社区", "铁北新村二期"])
BUILDING_WORDS = st.sampled_from(["栋", "号楼", "幢", "号", "#"])
UNIT_WORDS = st.sampled_from(["单元", "门"])
ROOM_WORDS = st.sampled_from(["", "室", "号"])
NUMERALS = st.sampled_from(["arabic", "full", "chinese"])


def written(n: int, how: str, spoken_form: bool = True) -> str:
    if how == "full":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if how == "chinese":
        return spoken(n) if spoken_form else by_digit(n)
    return str(n)


@given(
    ESTATES,
    st.integers(1, 30),
    BUILDING_WORDS,
    st.integers(1, 9),
    UNIT_WORDS,
    st.integers(1, 18),
    st.integers(1, 4),
    ROOM_WORDS,
    NUMERALS,
)
def test_any_worded_address_reads_back(estate, building, bword, unit, uword, floor, door, rword, how):
    room = f"{floor}{door:02d}"
    text = f"{estate}{written(building, how)}{bword}{written(unit, how)}{uword}{written(int(room), how, False)}{rword}"
    assert parse_address(text) == Address(str(building), str(unit), room)


@given(ESTATES, st.integers(1, 30), st.integers(1, 9), st.integers(1, 18), st.integers(1, 4), st.booleans())
def test_any_dashed_address_reads_back(estate, building, unit, floor, door, full):
    room = f"{floor}{door:02d}"
    text = f"{estate}{building}-{unit}-{room}"
    if full:
        text = text.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert parse_address(text) == Address(str(building), str(unit), room)


@given(st.text(max_size=40))
def test_any_text_reads_or_is_refused_cleanly(text):
    try:
        found = parse_address(text)
    except ParseError:
        return
    assert found.unit and found.room


@pytest.mark.parametrize(
    ("title", "hints"),
    [
        ("5号楼", (None, "5")),
        ("7栋", (None, "7")),
        ("9幢", (None, "9")),
        ("十一号楼", (None, "11")),
        ("长山花园社区5号楼居民信息台账", (None, "5")),
        ("第三网格", ("3", None)),
        ("所属网格：第三网格 填表日期：2024年3月1日", ("3", None)),
        ("5、6号楼", (None, None)),
        ("5-6栋", (None, None)),
        ("5号楼和7号楼", (None, None)),
        ("Sheet1", (None, None)),
        ("党员名册", (None, None)),
    ],
)
def test_place_hints(title, hints):
    assert place_hints(title) == hints


@pytest.mark.parametrize(
    ("parser", "value", "expected"),
    [
        (parse.parse_grid, "第三网格", "3"),
        (parse.parse_grid, "三网格", "3"),
        (parse.parse_grid, "第十网格", "10"),
        (parse.parse_building, "五号楼", "5"),
        (parse.parse_building, "5#", "5"),
        (parse.parse_building, "5幢", "5"),
        (parse.parse_building, "十一栋", "11"),
        (parse.parse_unit, "二单元", "2"),
        (parse.parse_unit, "2门", "2"),
        (parse.parse_room, "301室", "301"),
        (parse.parse_room, "三〇一", "301"),
        (parse.parse_room, "３０１", "301"),
        (parse.parse_room, "3楼1号", "301"),
        (parse.parse_room, "东户", "东户"),
        (parse.parse_count, "三人", 3),
        (parse.parse_date, "２０２４－０３－０５", date(2024, 3, 5)),
        (parse.parse_date, "二〇二四年三月五日", date(2024, 3, 5)),
        (parse.parse_gender, "男性", "M"),
        (parse.parse_political, "中共党员", True),
        (parse.parse_political, "中共预备党员", True),
        (parse.parse_political, "群众", False),
        (parse.parse_political, "共青团员", False),
        (parse.parse_political, "九三学社社员", False),
        (parse.parse_living, "独居", True),
        (parse.parse_living, "非独居", False),
        (parse.parse_living, "与子女同住", False),
    ],
)
def test_everyday_values(parser, value, expected):
    assert parser(value) == expected


def test_unknown_political_status_is_an_error():
    with pytest.raises(ParseError, match="政治面貌"):
        parse.parse_political("积极分子")


def test_birth_month():
    assert parse.parse_birth_month("1950.03") == date(1950, 3, 1)
    assert isinstance(parse.parse_birth_month("1950年3月"), parse.MonthOnly)
    assert not isinstance(parse.parse_birth_month("1950-03-05"), parse.MonthOnly)
    with pytest.raises(ParseError):
        parse.parse_birth_month("1950.13")


@given(st.dates(date(1900, 1, 1), date(2020, 12, 31)), st.sampled_from("MF"), st.integers(0, 99))
def test_the_national_id_gives_birth_date_gender_and_a_stable_key(born, gender, sequence):
    nid = national_id(born, gender, sequence)
    assert parse.national_id_is_valid(nid)
    assert (born_on(nid), gender_of(nid)) == (born, gender)
    hasher = lambda s: f"keyed:{s}"  # noqa: E731
    key = derived_key(hasher, nid)
    assert key == derived_key(hasher, nid) and len(key) == KEY_LENGTH and key[0] == "R"
    assert key != derived_key(lambda s: f"other key:{s}", nid)  # another key, another resident key
    assert nid[6:14] not in key


def test_an_id_whose_birth_date_is_no_date_is_refused():
    body = "22010319501332001"  # 13th month
    total = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)))
    nid = body + "10X98765432"[total % 11]
    assert parse.national_id_is_valid(nid)
    with pytest.raises(ParseError, match="birth date"):
        born_on(nid)
