"""Resident ID numbers (身份证号, GB 11643-1999): validation and masking.

The area prefix is never checked against the household's county: numbers issued before 2000 keep
the old 运城地区 codes (1427xx) and people move.
"""

from __future__ import annotations

from datetime import date
from operator import mul

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＶ", "0123456789XxV")


def normalise_id(value) -> str:
    """Trimmed, half-width, upper-case text (a lower-case x is common in spreadsheets)."""
    return str(value).strip().translate(_FULLWIDTH).replace(" ", "").upper()


_ZERO_OFFSET = ord("0") * sum(WEIGHTS)


def check_char(first17: str) -> str:
    """The check character of 17 digits (bytes arithmetic: this runs 100,000 times per import)."""
    return CHECK_CHARS[(sum(map(mul, first17.encode("ascii"), WEIGHTS)) - _ZERO_OFFSET) % 11]


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """None if ``value`` (already normalised) is a valid 18-character ID number, else the reason in Chinese."""
    if len(value) == 15 and value.isdigit():
        return _("不接受15位旧身份证号，请填写18位身份证号。")
    if len(value) != 18:
        return _("身份证号应为18位（现为%(n)d位）。") % {"n": len(value)}
    body, last = value[:17], value[17]
    if not body.isdigit() or not (last.isdigit() or last == "X"):
        return _("身份证号前17位应为数字，末位为数字或X。")
    try:
        birth = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return _("身份证号中的出生日期 %(d)s 不存在。") % {"d": body[6:14]}
    today = today or date.today()
    if birth > today or birth.year < 1900:
        return _("身份证号中的出生日期 %(d)s 不合理。") % {"d": body[6:14]}
    if check_char(body) != last:
        return _("身份证号校验位错误（末位应为 %(c)s）。") % {"c": check_char(body)}
    return None


def mask_id(value: str) -> str:
    """First 6 and last 4 kept: ``140802********123X``."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """First 3 and last 4 kept: ``138****1234``."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
