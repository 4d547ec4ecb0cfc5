"""Numbers written the way work reports write them: "1.78万", "1500余", "6万余", "120多万"."""

from decimal import ROUND_FLOOR, Decimal

WAN, YI = 10_000, 100_000_000
STYLES = ("auto", "wan_yu", "yu", "duo", "exact")


def _whole(n) -> int:
    """The whole part of a count (an average or a sum of money may have a fraction: it is cut, never rounded up)."""
    return int(Decimal(str(n)).to_integral_value(rounding=ROUND_FLOOR))


def _two_significant(n: int) -> int:
    """n cut (not rounded) to two significant digits: 1523 → 1500, 9999 → 9900, 62400 → 62000."""
    if n < 100:
        return n
    step = 10 ** (len(str(n)) - 2)
    return n // step * step


def _decimal_text(value: Decimal) -> str:
    """A decimal without trailing zeros: 1.50 → "1.5", 2.00 → "2"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _in_units(n: int, places: int) -> str:
    """n in 万 or 亿 (from 10,000 and 100,000,000), cut to at most `places` decimals, trailing zeros dropped."""
    unit, word = (YI, "亿") if n >= YI else (WAN, "万")
    step = Decimal(1).scaleb(-places)
    value = (Decimal(n) / unit).quantize(step, rounding=ROUND_FLOOR)
    return _decimal_text(value) + word


def report_number(n, style: str = "auto") -> str:
    """Write a count the way such reports do. `n` is a number of things (int, Decimal or float: a fraction is cut).

    Styles:

    - ``auto`` (the default): below 100 exactly ("57"); from 100 to 9,999 cut to two significant digits, with
      "余" when anything was cut (1,500 → "1500", 1,523 → "1500余", 9,999 → "9900余"); from 10,000 in 万 with at
      most two decimals, cut not rounded, trailing zeros dropped (10,000 → "1万", 15,000 → "1.5万",
      17,812 → "1.78万", 62,400 → "6.24万"); from 100,000,000 the same in 亿 (100,000,000 → "1亿",
      123,456,789 → "1.23亿"). Above 10,000 the cut is silent: "1.78万" already says "about".
    - ``yu``: two significant digits, "余" when anything was cut, in 万/亿 from 10,000
      (1,523 → "1500余", 17,812 → "1.7万余", 62,400 → "6.2万余", 15,000 → "1.5万"); below 100 exactly.
    - ``duo``: as ``yu`` with "多"; from 10,000 a whole number of 万 of at least ten takes "多" before 万, as
      reports say it (1,234,567 → "120多万"), otherwise after it (17,812 → "1.7万多").
    - ``wan_yu``: from 10,000 whole 万 (or 亿) and "余" when there is a remainder (62,400 → "6万余",
      10,000 → "1万", 1,234,567 → "123万余", 123,456,789 → "1亿余"); below 10,000 as ``yu``.
    - ``exact``: every digit, with thousands separators (17,812 → "17,812").

    Zero is "0" in every style (the report leaves out a sentence whose figure is zero rather than print it).
    """
    if style not in STYLES:
        raise ValueError(f"unknown number style {style!r}")
    whole = _whole(n)
    if whole < 0:
        raise ValueError("a count is never negative")
    if style == "exact":
        return f"{whole:,}"
    if whole < 100:
        return str(whole)
    if style == "auto":
        if whole < WAN:
            cut = _two_significant(whole)
            return str(cut) + ("余" if cut != whole else "")
        return _in_units(whole, 2)
    if style == "wan_yu" and whole >= WAN:
        unit, word = (YI, "亿") if whole >= YI else (WAN, "万")
        return f"{whole // unit}{word}" + ("余" if whole % unit else "")
    # yu, duo (and wan_yu below 10,000): two significant digits.
    suffix = "多" if style == "duo" else "余"
    cut = _two_significant(whole)
    more = suffix if cut != whole else ""
    if cut < WAN:
        return f"{cut}{more}"
    unit, word = (YI, "亿") if cut >= YI else (WAN, "万")
    text = _decimal_text(Decimal(cut) / unit)
    if more and style == "duo" and cut % unit == 0 and cut // unit >= 10:
        return f"{text}多{word}"
    return f"{text}{word}{more}"
