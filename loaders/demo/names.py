"""Chinese names, ages, birth dates and phone numbers for the demo ledger."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许"
    "傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆"
    "郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
_SURNAME_CUM = list(itertools.accumulate(1 / (i + 4) for i in range(len(_SURNAMES))))

# (last birth year of the generation, men's given names, women's given names)
_GIVEN = (
    (
        1950,
        [
            "德福",
            "福林",
            "玉山",
            "长海",
            "振江",
            "宝山",
            "凤岐",
            "殿臣",
            "永贵",
            "树林",
            "庆祥",
            "文斌",
            "守仁",
            "广才",
            "春生",
            "德胜",
            "玉田",
            "占山",
            "洪",
            "贵",
        ],
        [
            "淑珍",
            "秀兰",
            "桂英",
            "玉兰",
            "桂兰",
            "秀英",
            "凤兰",
            "淑兰",
            "玉珍",
            "秀珍",
            "素芬",
            "桂芝",
            "凤芝",
            "玉芬",
            "淑琴",
            "翠兰",
            "兰",
            "英",
        ],
    ),
    (
        1966,
        [
            "建国",
            "建华",
            "国庆",
            "卫国",
            "振华",
            "志刚",
            "国强",
            "红军",
            "援朝",
            "跃进",
            "胜利",
            "建军",
            "立新",
            "向东",
            "学军",
            "永生",
            "宝林",
            "忠",
        ],
        [
            "凤霞",
            "丽华",
            "秀梅",
            "淑芬",
            "红霞",
            "桂芳",
            "玉梅",
            "秀云",
            "春燕",
            "彩霞",
            "美华",
            "爱华",
            "红梅",
            "秀华",
            "凤琴",
            "艳华",
            "萍",
        ],
    ),
    (
        1986,
        [
            "伟",
            "勇",
            "军",
            "斌",
            "强",
            "磊",
            "刚",
            "涛",
            "海涛",
            "志强",
            "晓东",
            "东升",
            "宏伟",
            "大鹏",
            "立军",
            "海龙",
            "春雷",
            "明",
        ],
        [
            "丽",
            "静",
            "敏",
            "艳",
            "燕",
            "红",
            "娟",
            "丽娟",
            "海燕",
            "晓红",
            "冬梅",
            "艳丽",
            "雪梅",
            "丹",
            "颖",
            "晓梅",
            "立红",
            "玲",
        ],
    ),
    (
        2001,
        ["鹏", "超", "浩", "宇", "杰", "博", "帅", "鑫", "明辉", "天宇", "俊杰", "家豪", "鹏飞", "思远", "宁"],
        ["婷婷", "雪", "璐", "佳", "倩", "丹丹", "莹", "爽", "楠", "欣", "晶晶", "思思", "佳琪", "美玲"],
    ),
    (
        9999,
        ["子轩", "浩然", "宇轩", "梓豪", "一鸣", "俊熙", "博文", "皓轩", "铭泽", "睿", "泽宇", "梓航", "奕辰"],
        ["欣怡", "梓涵", "诗涵", "一诺", "子涵", "雨桐", "可馨", "梦瑶", "思雨", "语嫣", "若曦", "悦"],
    ),
)
_MOBILE = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "158",
    "159",
    "177",
    "180",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
]
HEALTH = {
    "高血压": 30,
    "糖尿病": 16,
    "冠心病": 12,
    "关节炎": 8,
    "脑梗后遗症": 7,
    "慢阻肺": 6,
    "骨质疏松": 6,
    "白内障": 5,
    "听力下降": 4,
}


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]


def person_name(
    rng: random.Random, family: str, gender: str, birth_year: int, avoid: frozenset[str] = frozenset()
) -> str:
    """A name whose given part fits the person's generation and gender."""
    for last, men, women in _GIVEN:  # noqa: B007 (the generation found is used after the loop)
        if birth_year <= last:
            break
    while True:
        name = family + rng.choice(men if gender == "M" else women)
        if name not in avoid:
            return name


def elder_age(rng: random.Random, lo: int = 60, hi: int = 98) -> int:
    return min(hi, int(rng.triangular(lo, hi + 1, lo + 6)))


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def birth_date(rng: random.Random, age: int, today: date) -> date:
    """A birth date on which someone is exactly ``age`` years old ``today``."""
    latest = add_years(today, -age)
    earliest = add_years(today, -age - 1) + timedelta(days=1)
    return date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    return f"0431-8{rng.randrange(10**7):07d}"  # Changchun


def health_note(rng: random.Random) -> str:
    """One condition, or two (sorted by how common they are), e.g. ``高血压；糖尿病``."""
    picked = set(rng.choices(list(HEALTH), weights=list(HEALTH.values()), k=2))
    if rng.random() < 0.7:
        picked = {min(picked, key=list(HEALTH).index)}
    return "；".join(sorted(picked, key=list(HEALTH).index))
