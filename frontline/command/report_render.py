"""The work report printed: a Word document (python-docx), a PDF (fpdf2, with the Chinese font of `core.pdf`) or
Markdown, each with the appendix table that lets every number be checked."""

import io

from .report import Report

FORMATS = ("docx", "pdf", "md")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}
APPENDIX_TITLE = "附：数据核对表"
APPENDIX_NOTE = ("正文中的数字按汇报惯例书写（如“1.78万”“1500余”）；下表列出每项统计的代码、精确值、口径和范围，"
                 "均由一线指挥平台的统计登记表计算，可逐项核对。")
APPENDIX_HEADERS = ("序号", "统计代码", "统计项", "精确值", "口径", "范围", "状态")
# Official documents: the title in a Song face, headings in a Hei face, the text in Fangsong.
TITLE_FONT, HEADING_FONT, BODY_FONT = "宋体", "黑体", "仿宋"


def _rows(report: Report) -> list[tuple[str, ...]]:
    return [(str(i), row.code, row.label or "—", row.value_text, row.definition, row.scope, row.status_text)
            for i, row in enumerate(report.appendix, 1)]


def _docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def fonts(run_or_style, family: str, size: float | None = None, bold: bool = False):
        font = run_or_style.font
        font.name = family
        if size:
            font.size = Pt(size)
        font.bold = bold
        element = run_or_style.element
        rpr = element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
            rfonts.set(qn(attribute), family)

    document = Document()
    fonts(document.styles["Normal"], BODY_FONT, 16)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fonts(title.add_run(report.title), TITLE_FONT, 22, bold=True)

    def body(text: str):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        fonts(paragraph.add_run(text), BODY_FONT, 16)

    body(report.opening)
    for part in report.parts:
        heading = document.add_paragraph()
        heading.paragraph_format.first_line_indent = Pt(32)
        fonts(heading.add_run(part.heading), HEADING_FONT, 16)
        for text in part.paragraphs:
            body(text)
    document.add_page_break()
    heading = document.add_paragraph()
    fonts(heading.add_run(APPENDIX_TITLE), HEADING_FONT, 16)
    note = document.add_paragraph()
    fonts(note.add_run(APPENDIX_NOTE), BODY_FONT, 10.5)
    rows = _rows(report)
    table = document.add_table(rows=1, cols=len(APPENDIX_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, APPENDIX_HEADERS, strict=True):
        cell.paragraphs[0].text = ""
        fonts(cell.paragraphs[0].add_run(text), HEADING_FONT, 9)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            fonts(cell.paragraphs[0].add_run(text), BODY_FONT, 9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(report: Report) -> bytes:
    from fpdf.enums import Align, WrapMode

    from frontline.core.pdf import cjk_pdf

    pdf = cjk_pdf(orientation="P", unit="mm", format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("cjk", size=20)
    pdf.multi_cell(width, 11, report.title, align=Align.C, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    def body(text: str, size: float = 13, indent: bool = True):
        pdf.set_font("cjk", size=size)
        pdf.multi_cell(width, size * 0.62, ("\u3000\u3000" if indent else "") + text, wrapmode=WrapMode.CHAR,
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    body(report.opening)
    for part in report.parts:
        body(part.heading, size=14.5)
        for text in part.paragraphs:
            body(text)
    pdf.add_page(orientation="L")
    width = pdf.w - pdf.l_margin - pdf.r_margin
    body(APPENDIX_TITLE, size=14.5, indent=False)
    body(APPENDIX_NOTE, size=9, indent=False)
    pdf.set_font("cjk", size=8)
    with pdf.table(col_widths=(8, 40, 38, 22, 80, 34, 28), line_height=4.2, wrapmode=WrapMode.CHAR,
                   text_align="LEFT", first_row_as_headings=False, width=width) as table:
        for row in [APPENDIX_HEADERS, *_rows(report)]:
            line = table.row()
            for text in row:
                line.cell(text)
    return bytes(pdf.output())


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md(report: Report) -> bytes:
    lines = [f"# {report.title}", "", report.opening, ""]
    for part in report.parts:
        lines += [f"## {part.heading}", ""]
        for text in part.paragraphs:
            lines += [text, ""]
    lines += [f"## {APPENDIX_TITLE}", "", APPENDIX_NOTE, "",
              "| " + " | ".join(APPENDIX_HEADERS) + " |", "|" + "---|" * len(APPENDIX_HEADERS)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in _rows(report)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def report_render(report: Report, fmt: str) -> bytes:
    """The report as a file: "docx", "pdf" or "md" (ValueError otherwise; CJKFontMissing for a PDF without the
    Chinese font)."""
    renderers = {"docx": _docx, "pdf": _pdf, "md": _md}
    if fmt not in renderers:
        raise ValueError(f"unknown report format {fmt!r}: one of {', '.join(FORMATS)}")
    return renderers[fmt](report)
