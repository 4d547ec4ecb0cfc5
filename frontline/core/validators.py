"""Validators for what people actually type: ID numbers (GB 11643), phones, building names, and the rule
for a line of text (`clean_text`) that forms, the API and imports share."""

import functools
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


# Characters nobody types into a name or an address. Zero-width ones arrive unseen with text copied out
# of chat apps and web pages: they are removed (a person could not find them to delete them). Control
# characters (tab and line ends aside, which count as spaces) and the other format characters (Unicode
# category Cf: direction overrides and isolates that make "张三" display as something else, tags that
# carry hidden text) are refused, so that what is stored is what a person reading it sees.
ZERO_WIDTH = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_REFUSED_CHARS = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls
                  "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200e\u200f\u202a-\u202e\u2061-\u2064"
                  "\u2066-\u206f\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
                  "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")
_REFUSED = re.compile(f"[{_REFUSED_CHARS}]")
_HIDDEN = re.compile(f"[{_REFUSED_CHARS}{ZERO_WIDTH}]")


def has_hidden_characters(value: str) -> bool:
    """Whether `value` holds a character `clean_text` removes or refuses (one regex search: cheap)."""
    return _HIDDEN.search(value) is not None


def strip_hidden(value: str) -> str:
    """`value` without any character `clean_text` removes or refuses."""
    return _HIDDEN.sub("", value)


def clean_text(value: str, *, max_length: int | None, field_label: str) -> str:
    """One line of text as it is kept (a name, a building, a room), the same rule for forms, the API and
    imports: zero-width characters removed, runs of spaces made one, spaces at the ends dropped; a
    ValidationError for a control or format character and for more than `max_length` characters."""
    if not value:
        return ""
    if _HIDDEN.search(value):
        value = _ZERO_WIDTH.sub("", value)
        bad = _REFUSED.search(value)
        if bad:
            char = bad.group()
            code = f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()
            if unicodedata.category(char) == "Cc":
                raise ValidationError(_("%(field)s contains an invisible control character (%(code)s): type it again.")
                                      % {"field": field_label, "code": code}, code="control_character")
            raise ValidationError(_("%(field)s contains a character that changes the direction or look of the text "
                                    "(%(code)s) and can disguise it: type it again.") % {"field": field_label, "code": code},
                                  code="format_character")
    value = " ".join(value.split())
    if max_length is not None and len(value) > max_length:
        raise ValidationError(_("%(field)s has %(count)d characters; at most %(limit)d fit.") % {
            "field": field_label, "count": len(value), "limit": max_length}, code="max_length")
    return value


_BUILDING = re.compile(r"第?(\d+|[零〇一二两三四五六七八九十百]+)\s*(?:号楼|号栋|号幢|栋|幢|楼栋|#|号)")
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _chinese_number(text: str) -> int | None:
    """三 → 3, 十二 → 12, 二十 → 20, 九十九 → 99, 一百零一 → 101; None for what is not a number so written."""
    if text.isdigit():
        return int(text)
    total, rest = 0, text
    for unit, size in (("百", 100), ("十", 10)):
        if unit in rest:
            head, rest = rest.split(unit, 1)
            if len(head) > 1 or (head and head not in _CHINESE_DIGITS):
                return None
            total += (_CHINESE_DIGITS[head] if head else 1) * size
    rest = rest.removeprefix("零").removeprefix("〇")
    if len(rest) > 1 or (rest and rest not in _CHINESE_DIGITS):
        return None
    return total + (_CHINESE_DIGITS[rest] if rest else 0)


@functools.lru_cache(maxsize=4096)  # an import asks once a row, for the few names of a grid's buildings
def normalize_building_name(name: str) -> str:
    """A numbered building as the city names it, "3栋", however it was written: "3号楼", "3幢", "3#",
    "3＃", "三栋", "3 栋", "03栋", "第三栋", a bare "3". Anything else ("综合楼", "A座", "3-1") is returned
    as it was (full-width characters made plain, spaces at the ends dropped)."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if text.isdigit():
        return f"{int(text)}栋"
    match = _BUILDING.fullmatch(text)
    if match is None:
        return text
    number = _chinese_number(match.group(1))
    return text if number is None else f"{number}栋"


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


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 李四 → 李*: enough to confirm the person in front of you (at a gate, at the door), not to
    find anyone."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * max(1, len(name) - 2) + (name[-1] if len(name) > 2 else "")


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def today() -> date:
    """The local date: the one "today" that ages are counted on (tests fix it by patching this)."""
    from django.utils import timezone

    return timezone.localdate()


def age_on(birth_date: date | None, on: date | None = None) -> int | None:
    """Completed years on `on` (today by default). What a masked page or list shows instead of a birth
    date, since the hidden digits of an ID number are the birth date."""
    if not birth_date:
        return None
    on = on or today()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
