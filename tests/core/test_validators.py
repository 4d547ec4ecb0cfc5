from datetime import date

import pytest
from django.core.exceptions import ValidationError

from frontline.core.validators import id_check_char, mask_id_number, mask_phone, normalize_phone, parse_id_number

# Published examples of GB 11643 numbers with their correct check characters.
VALID = ["11010519491231002X", "440524188001010014", "110101199003074477"]


@pytest.mark.parametrize("number", VALID)
def test_valid_id_numbers_pass_and_give_birth_date_and_sex(number):
    info = parse_id_number(number)
    assert info.number == number
    assert info.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert info.sex == ("M" if int(number[16]) % 2 else "F")


def test_x_check_character_is_accepted_in_lowercase():
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"
    assert id_check_char("11010519491231002") == "X"


def test_full_width_digits_and_spaces_are_normalized():
    assert parse_id_number("１１０１０５ １９４９１２３１ ００２Ｘ").number == "11010519491231002X"


@pytest.mark.parametrize("number, code", [
    ("110105194912310021", "check_digit"),
    ("11010519491231002", "length"),
    ("11010519491231002X1", "length"),
    ("110105194902300028", "birth_date"),  # 30 February
    ("110105209901010028", "birth_date"),  # in the future
    ("11010519491231A02X", "characters"),
    ("990105194912310020", "region"),
    ("1.10105E+17", "scientific"),
    ("", "empty"),
])
def test_invalid_id_numbers_say_why(number, code):
    with pytest.raises(ValidationError) as e:
        parse_id_number(number)
    assert e.value.code == code


def test_check_digit_error_names_the_expected_character():
    with pytest.raises(ValidationError) as e:
        parse_id_number("110105194912310021")
    assert "X" in e.value.messages[0]


@pytest.mark.parametrize("raw, phone", [
    ("13812345678", "13812345678"), ("+86 138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"), ("010-12345678", "010-12345678"), ("075512345678", "075512345678"),
])
def test_phones_are_normalized(raw, phone):
    assert normalize_phone(raw) == phone


@pytest.mark.parametrize("raw", ["1381234567", "12812345678", "abc", "138123456789", "10086"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_masks_keep_only_the_ends():
    assert mask_id_number("110101199003074477") == "110101********4477"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number(None) == mask_phone("") == ""
