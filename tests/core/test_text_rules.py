"""The rule for a line of text (`clean_text`) and the names of numbered buildings."""

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from frontline.core.validators import clean_text, has_hidden_characters, normalize_building_name, strip_hidden


def refusal(value: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        clean_text(value, max_length=kwargs.get("max_length", 50), field_label="姓名")
    return refused.value


def test_clean_text_keeps_what_a_person_typed(db):
    assert clean_text(" 张  三\n", max_length=50, field_label="姓名") == "张 三"
    assert clean_text("", max_length=50, field_label="姓名") == ""
    # Full-width letters are kept: making them plain is a field's own rule (an ID number's, a phone's).
    assert clean_text("Ａｌｉ · 买买提", max_length=50, field_label="姓名") == "Ａｌｉ · 买买提"


def test_zero_width_characters_are_removed(db):
    assert clean_text("张\u200b三\ufeff", max_length=50, field_label="姓名") == "张三"


@pytest.mark.parametrize("value, code", [("张\x00三", "U+0000"), ("张三\x1b[31m", "U+001B"), ("张\x85三", "U+0085")])
def test_control_characters_are_refused(db, value, code):
    error = refusal(value)
    assert error.code == "control_character" and code in error.messages[0] and "姓名" in error.messages[0]


@pytest.mark.parametrize("value, code", [("张\u202e三", "U+202E RIGHT-TO-LEFT OVERRIDE"), ("\u2067张三\u2069", "U+2067"),
                                         ("张三\u200f", "U+200F"), ("张三\U000e0041", "U+E0041")])
def test_direction_and_other_format_characters_are_refused(db, value, code):
    error = refusal(value)
    assert error.code == "format_character" and code in error.messages[0] and "方向" in error.messages[0]


def test_every_control_and_format_character_is_caught():
    """Against this Python's Unicode database: no control or format character gets through."""
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        if unicodedata.category(char) in ("Cc", "Cf") and char not in "\t\n\r":
            assert has_hidden_characters(f"a{char}b"), f"U+{point:04X}"
            assert strip_hidden(f"a{char}b") == "ab"
    assert not has_hidden_characters("张三 Zhang-San 3号楼\t\n")


def test_text_longer_than_the_field_is_refused(db):
    assert clean_text("张" * 50, max_length=50, field_label="姓名") == "张" * 50
    error = refusal("张" * 200)
    assert error.code == "max_length" and error.messages == ["姓名有200个字符，最多只能50个。"]


@pytest.mark.parametrize("written", ["3栋", "3号楼", "3幢", "3#", "3＃", "三栋", "3 栋", "03栋", "第三栋", "3号", "3", "３号楼"])
def test_a_numbered_building_has_one_name(written):
    assert normalize_building_name(written) == "3栋"


@pytest.mark.parametrize("written, name", [("十栋", "10栋"), ("十二号楼", "12栋"), ("二十栋", "20栋"), ("二十三幢", "23栋"),
                                           ("九十九栋", "99栋"), ("一百零一栋", "101栋"), ("12#", "12栋")])
def test_chinese_numerals_up_to_99_and_beyond(written, name):
    assert normalize_building_name(written) == name


@pytest.mark.parametrize("written", ["综合楼", "A座", "3-1", "3单元", "十十栋", "三三栋", "东区3号楼A"])
def test_names_it_does_not_understand_stay_as_they_are(written):
    assert normalize_building_name(written) == written
