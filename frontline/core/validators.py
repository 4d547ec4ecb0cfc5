"""Validators for the identifiers people actually type: ID numbers (GB 11643) and phones."""

import re
import unicodedata
from datetime import date
from operator import mul
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ASCII_ZERO_WEIGHT = 48 * sum(ID_WEIGHTS)
# Province-level prefixes of GB/T 2260 (81/82/83: Hong Kong, Macao, Taiwan residence permits).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


_PLAIN = re.compile(r"[!-~]*")  # printable ASCII without spaces: nothing to normalize
_SPACES = re.compile(r"\s+")
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?E\+\d+")
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_COUNTRY_CODE = re.compile(r"^(\+?86)(?=1\d{10}$)")


def normalize_text(raw: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), stray spaces removed."""
    if not raw:
        return ""
    if _PLAIN.fullmatch(raw):  # the common case, on the hot path of imports
        return raw
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw))


def id_check_char(first17: str) -> str:
    # Weighted sum of the digits, on their ASCII codes (digit = code - 48) in one pass in C.
    return ID_CHECK_CHARS[(sum(map(mul, first17.encode(), ID_WEIGHTS)) - _ASCII_ZERO_WEIGHT) % 11]


class IdNumberInfo(NamedTuple):  # a tuple: one is made for every row of every import
    number: str
    birth_date: date
    sex: str  # "M" or "F"
    region: str


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumberInfo:
    """Validate an 18-digit resident ID number and derive birth date and sex from it.

    Full-width digits and spaces (common in pasted text) are normalized first; a lowercase
    'x' is accepted as the check character 'X'.
    """
    number = normalize_text(raw).upper()
    if not number:
        raise ValidationError(_("The ID number is empty."), code="empty")
    if _SCIENTIFIC.fullmatch(number):
        raise ValidationError(
            _("The ID number %(value)s was turned into a number by a spreadsheet and lost its last digits; "
              "enter it as text.") % {"value": raw}, code="scientific")
    if len(number) != 18:
        raise ValidationError(
            _("The ID number must have 18 characters; %(value)s has %(count)d.") % {"value": raw, "count": len(number)},
            code="length")
    if not _ID_SHAPE.fullmatch(number):
        raise ValidationError(
            _("The ID number may contain only digits, with X allowed as the last character."), code="characters")
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(_("The ID number starts with %(prefix)s, which is not a province code.") % {"prefix": number[:2]},
                              code="region")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date %(value)s in the ID number does not exist.") % {"value": number[6:14]},
                              code="birth_date") from None
    today = today or date.today()
    if birth > today or birth.year < 1880:
        raise ValidationError(_("The birth date %(value)s in the ID number is impossible.") % {"value": number[6:14]},
                              code="birth_date")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The check digit of the ID number is wrong: the last character should be %(expected)s, not %(got)s.")
            % {"expected": expected, "got": number[17]}, code="check_digit")
    return IdNumberInfo(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F", region=number[:6])


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def normalize_phone(raw: str) -> str:
    """A mainland mobile (11 digits) or a landline with area code; +86 and separators are dropped."""
    phone = normalize_text(raw).replace("(", "").replace(")", "")
    phone = _COUNTRY_CODE.sub("", phone)
    if MOBILE_RE.match(phone.replace("-", "")):
        return phone.replace("-", "")
    if LANDLINE_RE.match(phone):
        return phone
    raise ValidationError(
        _("%(value)s is not a phone number: a mobile has 11 digits starting with 13-19, "
          "a landline starts with its area code (e.g. 010-12345678).") % {"value": raw}, code="phone")


def validate_phone(value: str) -> None:
    normalize_phone(value)


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 4) + value[-2:] if len(value) > 4 else "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
