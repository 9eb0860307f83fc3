"""A resident's identity from their national id (身份证号), for registers without a 居民编号.

The national id holds the birth date (characters 7–14) and the gender (the 17th: odd for men, even for
women). A register that has no resident id of its own identifies people by it, so the importer derives
a stable key from it: ``R`` and 12 characters of Crockford's base 32, taken from a digest of the id's
*keyed* hash (the HMAC-SHA256 under the service's secret key that is stored as ``nationalIdHash``).
The same id under the same key always gives the same key, so importing the register again changes
nothing; without the key it cannot be computed from the id, nor the id recovered from it (60 bits of a
keyed digest), so the key can be shown to staff as ``residentId``.

>>> born_on("11010519491231002X"), gender_of("11010519491231002X")
(datetime.date(1949, 12, 31), 'F')
>>> key = derived_key(lambda nid: "0" * 64, "11010519491231002X")
>>> len(key), key[0], key == derived_key(lambda nid: "0" * 64, "110105194912310037")
(13, 'R', True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import TypeAlias

from analysis.domain import today
from loaders.parse import ParseError

#: The keyed hash of a national id (``api.secrets.national_id_hasher``): hex of HMAC-SHA256.
Hasher: TypeAlias = Callable[[str], str]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
_DOMAIN = b"gridcare resident key\x1f"
KEY_LENGTH = 13


def derived_key(hasher: Hasher, national_id: str) -> str:
    """The resident key of a (valid) national id under ``hasher``'s key: ``R`` and 12 base-32 characters."""
    digest = hashlib.sha256(_DOMAIN + hasher(national_id).encode()).digest()
    number = int.from_bytes(digest[:8], "big") >> 4  # 60 bits
    chars = []
    for _ in range(KEY_LENGTH - 1):
        number, index = divmod(number, 32)
        chars.append(_ALPHABET[index])
    return "R" + "".join(reversed(chars))


def born_on(national_id: str) -> date:
    """The birth date a (checksum-valid) national id holds.

    Raises
    ------
    ParseError
        If its characters 7–14 are not a date, or a date in the future (the id is never quoted).
    """
    try:
        born = date(int(national_id[6:10]), int(national_id[10:12]), int(national_id[12:14]))
    except ValueError:
        raise ParseError("the national id holds no valid birth date") from None
    if born > today() or born.year < 1880:
        raise ParseError("the national id holds no possible birth date")
    return born


def gender_of(national_id: str) -> str:
    """``"M"`` or ``"F"``, as the 17th character of a national id says (odd for men)."""
    return "M" if int(national_id[16]) % 2 else "F"
