"""Printed Chinese: the CJK font every PDF and PNG Frontline prints is set in (posters, the daily brief, the work
report). The font is FRONTLINE_CJK_FONT (Debian's fonts-noto-cjk by default, installed by scripts/setup)."""

import functools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CJKFontMissing(ImproperlyConfigured):
    """The Chinese font is not where FRONTLINE_CJK_FONT says."""


@functools.lru_cache(maxsize=4)
def _face_index(path: str) -> int:
    """In a collection (.ttc), the simplified-Chinese face (Noto's "SC"); the first face otherwise."""
    if not path.lower().endswith(".ttc"):
        return 0
    from PIL import ImageFont

    for index in range(32):
        try:
            family = ImageFont.truetype(path, 10, index=index).getname()[0]
        except OSError:
            break
        if family.endswith((" SC", " CN")) and "Mono" not in family:
            return index
    return 0


def cjk_font() -> tuple[str, int]:
    """The font file and the face in it; CJKFontMissing with what to do when the file is not there."""
    path = settings.FRONTLINE_CJK_FONT
    if not path or not Path(path).is_file():
        raise CJKFontMissing(
            f"The Chinese font for printing is missing: FRONTLINE_CJK_FONT is {path!r}, which is not a file. "
            "Install Debian's fonts-noto-cjk (scripts/setup does) or set FRONTLINE_CJK_FONT to a CJK .ttf/.otf/.ttc.")
    return path, _face_index(path)


def cjk_pdf(**kwargs):
    """An fpdf2 document with the Chinese font registered as "cjk" (subset on output: only the glyphs used)."""
    from fpdf import FPDF

    path, index = cjk_font()
    pdf = FPDF(**kwargs)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    return pdf
