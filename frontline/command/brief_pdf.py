"""The daily brief printed: one A4 page in the register of a government daily brief (a red title over a red rule,
numbered parts), set in the Chinese font (`frontline.core.pdf.cjk_pdf`, subset: only the glyphs used). Where the
day says much, the type shrinks until it fits one page."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from frontline.core.pdf import CJKFontMissing, cjk_pdf  # noqa: F401 (the views catch CJKFontMissing here)

from .brief import Brief

RED = (192, 0, 0)
MARGIN = 18  # mm
SCALES = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)


# Chinese punctuation that never begins a line (it hangs at the end of the line before).
NO_LINE_START = set("，。、；：？！）》」』”’%")


def _chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


def _wrap() -> str:
    # Chinese breaks between any two characters; other languages between words.
    return "CHAR" if _chinese() else "WORD"


def _chinese_lines(pdf, text: str, width: float) -> list[str]:
    """Chinese text broken into lines of the width, no line beginning with a closing punctuation mark."""
    lines, line = [], ""
    for char in text:
        if line and char not in NO_LINE_START and pdf.get_string_width(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def _render(brief: Brief, scale: float, last: bool):
    from fpdf.fonts import FontFace

    pdf = cjk_pdf(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(brief.title)
    pdf.set_creator("Frontline")
    pdf.set_margins(MARGIN, 15, MARGIN)
    pdf.set_auto_page_break(not last, margin=12)
    pdf.add_page()
    width = pdf.w - 2 * MARGIN
    wrap = _wrap()

    def text(s: str, size: float, *, align="L", color=(0, 0, 0), gap=1.0, indent=False):
        pdf.set_font("cjk", size=size * scale)
        pdf.set_text_color(*color)
        height = size * scale * 0.5
        if _chinese() and align == "L":
            for line in _chinese_lines(pdf, ("\u3000\u3000" if indent else "") + s, width):
                pdf.cell(width, height, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(width, height, s, align=align, wrapmode=wrap, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap * scale)

    text(_("Daily brief"), 28, align="C", color=RED, gap=2)
    text(f"{brief.area.name}　{brief.day_text}", 12, align="C", gap=1)
    y = pdf.get_y() + 1
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_y(y + 4 * scale)

    text(_("I. Key figures"), 14, gap=1.5)
    text(brief.summary, 11.5, gap=2.5, indent=True)
    pdf.set_font("cjk", size=9.5 * scale)
    pdf.set_text_color(0)
    pdf.set_draw_color(160)
    pdf.set_line_width(0.2)
    head = FontFace(emphasis="", fill_color=(242, 242, 242))
    with pdf.table(col_widths=(46, 18, 18, 18), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=9.5 * scale * 0.5, headings_style=head, width=width, padding=0.8 * scale,
                   wrapmode=wrap) as table:
        row = table.row()
        for heading in (_("Figure"), _("The day"), _("The day before"), pgettext("brief", "Change")):
            row.cell(heading)
        for line in brief.figures:
            row = table.row()
            row.cell(f"{line.label}（{line.unit}）" if line.unit else line.label)
            row.cell(line.value_text)
            row.cell(line.previous_text)
            row.cell(line.change_text)
    pdf.ln(4 * scale)

    text(_("II. The areas below"), 14, gap=1.5)
    for line in brief.ranks or [_("No figure to compare among the areas below.")]:
        text(line, 11.5, gap=0.8, indent=True)
    pdf.ln(2 * scale)

    text(_("III. Awaiting a decision"), 14, gap=1.5)
    text(brief.alerts_text, 11.5, gap=0.8, indent=True)
    for group in brief.alerts:
        for alert in group.alerts:
            text(f"· {group.label}：{alert.title}", 10.5, gap=0.5)
    pdf.ln(3 * scale)
    text(_("Written by Frontline from the registered figures at %(time)s.") % {"time": brief.computed_text},
         8.5, color=(110, 110, 110))
    return pdf


def brief_pdf(brief: Brief) -> bytes:
    """The brief as an A4 PDF of one page; CJKFontMissing when the Chinese font is not installed."""
    for n, scale in enumerate(SCALES):
        pdf = _render(brief, scale, last=n == len(SCALES) - 1)
        if pdf.pages_count == 1:
            break
    return bytes(pdf.output())
