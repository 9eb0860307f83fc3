"""Cell parsers of the ledger reader: dates, booleans, places, gender, ids, codes."""

from datetime import date, datetime, timedelta

import pytest

from analysis.domain import SERVICE_ROLES
from loaders import parse
from loaders.ledger import national_id_is_valid
from loaders.parse import ParseError
from loaders.sources import cell_value


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024-3-5",
        "2024/3/5",
        "2024/03/05",
        "2024.03.05",
        "2024.3.5",
        "2024年3月5日",
        "2024年03月05日",
        date(2024, 3, 5),
        datetime(2024, 3, 5, 0, 0),
    ],
)
def test_date_variants(value):
    assert parse.parse_date(value) == date(2024, 3, 5)
    assert type(parse.parse_date(value)) is date


@pytest.mark.parametrize(
    "value", ["2024-13-01", "2024-02-30", "05/03/2024", "2024-3/5", "2024年3月", "20240305", "昨天"]
)
def test_bad_dates(value):
    with pytest.raises(ParseError):
        parse.parse_date(value)


def test_birth_date_in_the_future(demo_day):
    tomorrow = demo_day + timedelta(days=1)
    assert parse.parse_birth_date("1950/1/2") == date(1950, 1, 2)
    with pytest.raises(ParseError, match="future"):
        parse.parse_birth_date(tomorrow.isoformat())


@pytest.mark.parametrize("value", ["是", "Y", "y", "yes", "YES", "true", "True", "1"])
def test_true(value):
    assert parse.parse_bool(value) is True


@pytest.mark.parametrize("value", ["否", "N", "n", "no", "No", "false", "FALSE", "0"])
def test_false(value):
    assert parse.parse_bool(value) is False


@pytest.mark.parametrize("value", ["√", "✓", "是的"])
def test_ticks_are_true(value):
    assert parse.parse_bool(value) is True


@pytest.mark.parametrize("value", ["有", "2", "maybe", "?"])
def test_bad_bool(value):
    with pytest.raises(ParseError, match="yes/no"):
        parse.parse_bool(value)


@pytest.mark.parametrize(
    ("parser", "value", "expected"),
    [
        (parse.parse_grid, "第3网格", "3"),
        (parse.parse_grid, "3网格", "3"),
        (parse.parse_grid, "3", "3"),
        (parse.parse_grid, " 第10网格 ", "10"),
        (parse.parse_grid, "03", "03"),
        (parse.parse_grid, "３网格", "3"),  # full-width digit
        (parse.parse_building, "5栋", "5"),
        (parse.parse_building, "5号楼", "5"),
        (parse.parse_building, "5号", "5"),
        (parse.parse_building, "5", "5"),
        (parse.parse_building, "A座", "A座"),
        (parse.parse_building, "12 号楼", "12"),
        (parse.parse_unit, "2单元", "2"),
        (parse.parse_unit, "2", "2"),
        (parse.parse_unit, "第2单元", "2"),
    ],
)
def test_places(parser, value, expected):
    assert parser(value) == expected


@pytest.mark.parametrize(
    ("parser", "value"), [(parse.parse_grid, "网格"), (parse.parse_building, "号楼"), (parse.parse_unit, "单元")]
)
def test_place_without_a_number(parser, value):
    with pytest.raises(ParseError, match="no .* number"):
        parser(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("男", "M"),
        ("M", "M"),
        ("m", "M"),
        ("male", "M"),
        ("Male", "M"),
        ("女", "F"),
        ("F", "F"),
        ("female", "F"),
        ("FEMALE", "F"),
    ],
)
def test_gender(value, expected):
    assert parse.parse_gender(value) == expected


def test_bad_gender():
    with pytest.raises(ParseError, match="gender"):
        parse.parse_gender("未知")


def test_national_id_checksum():
    assert national_id_is_valid("11010519491231002X")
    assert national_id_is_valid("11010519491231002x")
    assert not national_id_is_valid("110105194912310021")  # wrong check character
    assert not national_id_is_valid("11010519491231002")  # 17 characters
    assert not national_id_is_valid("11010519491231002XX")
    assert not national_id_is_valid("1101051949123100AX")
    assert not national_id_is_valid("")
    assert not national_id_is_valid(None)  # type: ignore[arg-type]


def test_parse_national_id_normalises_and_rejects():
    assert parse.parse_national_id("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ParseError, match="national id"):
        parse.parse_national_id("110105194912310021")


def test_mask_id_keeps_only_last_four():
    assert parse.mask_id("11010519491231002X") == "**************002X"
    assert parse.mask_id("12345") == "*2345"
    assert parse.mask_id("123") == "***"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("网格长", "grid_leader"),
        ("楼栋长", "building_leader"),
        ("单元长", "unit_leader"),
        ("grid_leader", "grid_leader"),
        ("Grid Leader", "grid_leader"),
        ("building-leader", "building_leader"),
        ("unit leader", "unit_leader"),
    ],
)
def test_leader_roles(value, expected):
    assert parse.parse_leader_role(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("包保", "responsibility"),
        ("家属", "family"),
        ("志愿者", "volunteer"),
        ("邻居", "neighbour"),
        ("Responsibility", "responsibility"),
        ("family", "family"),
        ("neighbor", "neighbour"),
    ],
)
def test_care_kinds(value, expected):
    assert parse.parse_care_kind(value) == expected


ENGLISH_ROLES = {
    "security_patroller": ["public-security patroller", "security patroller", "Security_Patroller"],
    "environment_keeper": ["environment keeper", "Environment-Keeper"],
    "dispute_mediator": ["dispute mediator"],
    "neighbour_watcher": ["neighbour watcher", "neighbor watcher"],
    "life_adviser": ["life adviser", "Life Advisor"],
    "political_publicist": ["political-education publicist", "political publicist"],
    "science_communicator": ["science-knowledge communicator", "science communicator"],
    "culture_sports_organiser": ["culture & sports organiser", "culture and sports organizer"],
}


@pytest.mark.parametrize("code", SERVICE_ROLES)
def test_service_roles(code):
    assert parse.parse_service_role(code) == code
    assert parse.parse_service_role(code.zh) == code
    for name in ENGLISH_ROLES[code]:
        assert parse.parse_service_role(name) == code


def test_unknown_service_role():
    with pytest.raises(ParseError, match="service role"):
        parse.parse_service_role("保安")


def test_posts():
    assert [parse.parse_post(v) for v in ("A", "b", "B岗")] == ["A", "B", "B"]
    with pytest.raises(ParseError, match="A or B"):
        parse.parse_post("C")


def test_cell_values_from_excel():
    assert cell_value(301) == "301"
    assert cell_value(301.0) == "301"
    assert cell_value(1001.0) == "1001"
    assert cell_value(2.5) == "2.5"
    assert cell_value(None) == ""
    assert cell_value("  张三\u3000") == "张三"
    assert cell_value(True) == "true"
    assert cell_value(datetime(1950, 3, 5, 0, 0)) == date(1950, 3, 5)
