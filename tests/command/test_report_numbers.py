"""Numbers written the way work reports write them, at their edges."""

from decimal import Decimal

import pytest

from frontline.command.numbers import report_number


@pytest.mark.parametrize("n, auto", [
    (0, "0"), (1, "1"), (99, "99"), (100, "100"), (101, "100余"), (1_500, "1500"), (1_523, "1500余"),
    (9_999, "9900余"), (10_000, "1万"), (15_000, "1.5万"), (17_812, "1.78万"), (62_400, "6.24万"),
    (19_999, "1.99万"), (1_234_567, "123.45万"), (100_000_000, "1亿"), (123_456_789, "1.23亿"),
])
def test_auto_cuts_to_two_digits_or_writes_wan_with_at_most_two_decimals(n, auto):
    assert report_number(n) == auto


@pytest.mark.parametrize("n, wan_yu, yu, duo", [
    (0, "0", "0", "0"), (99, "99", "99", "99"), (1_500, "1500", "1500", "1500"), (1_523, "1500余", "1500余", "1500多"),
    (9_999, "9900余", "9900余", "9900多"), (10_000, "1万", "1万", "1万"), (15_000, "1万余", "1.5万", "1.5万"),
    (17_812, "1万余", "1.7万余", "1.7万多"), (62_400, "6万余", "6.2万余", "6.2万多"),
    (1_234_567, "123万余", "120万余", "120多万"), (100_000_000, "1亿", "1亿", "1亿"),
])
def test_wan_yu_yu_and_duo(n, wan_yu, yu, duo):
    assert (report_number(n, "wan_yu"), report_number(n, "yu"), report_number(n, "duo")) == (wan_yu, yu, duo)


def test_exact_has_thousands_separators_and_fractions_are_cut_never_rounded_up():
    assert report_number(17_812, "exact") == "17,812"
    assert report_number(Decimal("12345.67")) == "1.23万"
    assert report_number(99.99) == "99"
    assert report_number(Decimal("19999.999")) == "1.99万"


def test_a_bad_style_or_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        report_number(5, "roman")
    with pytest.raises(ValueError):
        report_number(-1)
