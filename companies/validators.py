"""法人番号 (corporate number) check digit, as published by the National Tax Agency.

A corporate number is 13 digits: a check digit followed by a 12-digit base number.
check = 9 - (sum over the base digits of digit * (1 if its position from the right is odd else 2)) mod 9
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS_13 = re.compile(r"^[0-9]{13}$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def normalise_corporate_number(value: str) -> str:
    """Full-width digits, spaces and hyphens as typed by people become 13 ASCII digits."""
    return re.sub(r"[\s\-‐－ー]", "", str(value or "").translate(_FULLWIDTH))


def corporate_number_check_digit(base12: str) -> int:
    total = 0
    for position, char in enumerate(reversed(base12), start=1):
        total += int(char) * (1 if position % 2 == 1 else 2)
    return 9 - (total % 9)


def is_valid_corporate_number(value: str) -> bool:
    if not _DIGITS_13.match(value or ""):
        return False
    return int(value[0]) == corporate_number_check_digit(value[1:])


def validate_corporate_number(value: str) -> None:
    if not _DIGITS_13.match(value or ""):
        raise ValidationError(_("A corporate number is 13 digits."), code="format")
    if not is_valid_corporate_number(value):
        raise ValidationError(_("This corporate number's check digit is wrong. Please check the number."), code="check_digit")


def make_corporate_number(base12: str) -> str:
    """Build a valid number from a 12-digit base (demo data and tests)."""
    return f"{corporate_number_check_digit(base12)}{base12}"
