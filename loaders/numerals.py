"""Numbers as registers write them: full-width digits (``３０１``) and Chinese numerals (``三``, ``十一``,
``二〇二四``, ``三〇一``).

A Chinese numeral with a unit character (十, 百, 千) is read by its value (``二十三`` is 23, ``一百零一``
is 101); one without is read digit by digit, as room numbers and years are spoken (``三〇一`` is 301,
``二〇二四`` is 2024). The formal forms of cheques (壹, 贰, 拾, …) read the same.

>>> chinese_number("十一"), chinese_number("二十"), chinese_number("一百零一"), chinese_number("三〇一")
(11, 20, 101, 301)
>>> fold("５-２-３０１"), fold("第三网格")
('5-2-301', '第三网格')
>>> arabic("三"), arabic("１２"), arabic("05"), arabic("A座")
('3', '12', '05', 'A座')
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,  # a white circle, often typed for 〇
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
#: A run of Chinese numeral characters, for patterns.
CHINESE = "[" + "".join(DIGITS) + "".join(UNITS) + "]+"
#: A number as registers write it (after :func:`fold`): Arabic digits or a Chinese numeral.
NUMBER = rf"(?:[0-9]+|{CHINESE})"
_CHINESE = re.compile(CHINESE)


def fold(value: str) -> str:
    """Fold full-width and compatibility characters (NFKC: ``３０１`` -> ``301``, ``－`` -> ``-``) and strip."""
    return unicodedata.normalize("NFKC", value).strip()


def chinese_number(value: str) -> int | None:
    """The value of a Chinese numeral, or ``None`` if ``value`` is not one.

    >>> chinese_number("十"), chinese_number("两千零五"), chinese_number("三五"), chinese_number("五号")
    (10, 2005, 35, None)
    """
    if not value or _CHINESE.fullmatch(value) is None:
        return None
    if not any(char in UNITS for char in value):
        return int("".join(str(DIGITS[char]) for char in value))
    total, digit, last_unit = 0, None, 10_000
    for char in value:
        if char in DIGITS:
            if digit is not None and DIGITS[char] != 0:
                return None  # two digits in a row: 二三十 is no number
            digit = DIGITS[char] if DIGITS[char] != 0 else None
            continue
        unit = UNITS[char]
        if unit >= last_unit:
            return None  # 十百, 百百: units must fall
        total += (1 if digit is None else digit) * unit
        digit, last_unit = None, unit
    return total + (digit or 0)


def arabic(label: str) -> str:
    """``label`` in Arabic digits if it is a number written in Chinese or full-width digits; else the label
    folded (NFKC)."""
    folded = fold(label)
    if folded.isdigit():
        return folded
    number = chinese_number(folded)
    return folded if number is None else str(number)


def digits(value: str) -> str:
    """Every Chinese numeral run of ``value`` written in Arabic digits (after :func:`fold`).

    >>> digits("二〇二四年三月五日"), digits("５栋二单元三〇一室")
    ('2024年3月5日', '5栋2单元301室')
    """
    folded = fold(value)
    if _CHINESE.search(folded) is None:
        return folded
    return _CHINESE.sub(lambda m: _run(m.group()), folded)


def _run(run: str) -> str:
    number = chinese_number(run)
    return run if number is None else str(number)
