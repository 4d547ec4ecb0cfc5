"""The printable poster of a grid's resident page (居民页面海报): A4 portrait, in Chinese, with the grid's name, the
QR code of the page's address, the hotline and what residents can do there; as a PNG (Pillow) or a PDF (fpdf2,
with the CJK font subset embedded). The font is FRONTLINE_CJK_FONT (Debian's fonts-noto-cjk by default)."""

import io
from dataclasses import dataclass

import segno

from frontline.core.pdf import CJKFontMissing, cjk_font  # noqa: F401 (the views catch CJKFontMissing here)

TITLE = "扫码下单 · 反映诉求"
CAN_DO = ("生活物资下单", "急难愁盼诉求", "凭回执码查询进度")
PRIVACY = "本页面不收集身份证号; 提交后网格员会电话核实"
HOTLINE_LABEL = "服务热线"
QR_ERROR = "m"  # medium error correction: survives a crease or a smudge on a printed sheet
A4_MM = (210, 297)
PNG_DPI = 150
A4_PX = (round(A4_MM[0] / 25.4 * PNG_DPI), round(A4_MM[1] / 25.4 * PNG_DPI))  # 1240 × 1754


@dataclass(frozen=True)
class Layout:
    """Where things are on the sheet, in millimetres from the top left (shared by the PNG and the PDF)."""

    title_y: float = 22
    title_size: float = 30  # millimetres of type height, roughly (points for the PDF are derived)
    grid_y: float = 44
    qr_size: float = 120
    qr_y: float = 60
    hotline_label_y: float = 190
    hotline_y: float = 198
    can_do_y: float = 228
    privacy_y: float = 272

    @property
    def qr_x(self) -> float:
        return (A4_MM[0] - self.qr_size) / 2


LAYOUT = Layout()


def qr_for(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR, micro=False)


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules, dark True, without the quiet zone."""
    return [[bool(v) for v in row] for row in qr_for(url).matrix]


@dataclass(frozen=True)
class PosterText:
    grid_name: str
    hotline: str
    url: str


# --- PNG -----------------------------------------------------------------------------------------------------

def _px(mm: float) -> int:
    return round(mm / 25.4 * PNG_DPI)


def qr_box_px(url: str) -> tuple[int, int, int]:
    """Where the PNG draws the QR code: left, top and the size of one module, in pixels (whole pixels a module, so
    a scanner sees sharp squares)."""
    modules = len(qr_matrix(url))
    module = max(1, _px(LAYOUT.qr_size) // modules)
    left = (A4_PX[0] - module * modules) // 2
    return left, _px(LAYOUT.qr_y), module


def poster_png(text: PosterText) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    path, index = cjk_font()
    image = Image.new("L", A4_PX, 255)
    draw = ImageDraw.Draw(image)

    def font(mm):
        return ImageFont.truetype(path, _px(mm), index=index)

    def centred(y_mm, s, mm):
        draw.text((A4_PX[0] // 2, _px(y_mm)), s, font=font(mm), fill=0, anchor="mt")

    centred(LAYOUT.title_y, TITLE, 13)
    centred(LAYOUT.grid_y, text.grid_name, 7)
    left, top, module = qr_box_px(text.url)
    for r, row in enumerate(qr_matrix(text.url)):
        for c, dark in enumerate(row):
            if dark:
                draw.rectangle([left + c * module, top + r * module, left + (c + 1) * module - 1,
                                top + (r + 1) * module - 1], fill=0)
    centred(LAYOUT.hotline_label_y, HOTLINE_LABEL, 6)
    centred(LAYOUT.hotline_y, text.hotline, 17)
    for n, line in enumerate(CAN_DO):
        centred(LAYOUT.can_do_y + n * 12, f"{n + 1}. {line}", 8)
    centred(LAYOUT.privacy_y, PRIVACY, 5)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True, dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------------------------

def _pt(mm: float) -> float:
    return mm / 25.4 * 72


def poster_pdf(text: PosterText) -> bytes:
    from fpdf import FPDF

    path, index = cjk_font()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title(f"{TITLE} {text.grid_name}")
    pdf.set_creator("Frontline")
    pdf.add_page()
    pdf.add_font("cjk", fname=path, collection_font_number=index)  # subset on output: only the glyphs used

    def centred(y_mm, s, mm):
        pdf.set_font("cjk", size=_pt(mm))
        pdf.set_xy(0, y_mm)
        pdf.cell(w=A4_MM[0], h=mm * 1.2, text=s, align="C")

    centred(LAYOUT.title_y, TITLE, 13)
    centred(LAYOUT.grid_y, text.grid_name, 7)
    matrix = qr_matrix(text.url)
    module = LAYOUT.qr_size / len(matrix)
    pdf.set_fill_color(0)
    for r, row in enumerate(matrix):  # one rectangle a run of dark modules: a smaller file than one a module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(LAYOUT.qr_x + start * module, LAYOUT.qr_y + r * module, (c - start) * module, module, style="F")
            else:
                c += 1
    centred(LAYOUT.hotline_label_y, HOTLINE_LABEL, 6)
    centred(LAYOUT.hotline_y, text.hotline, 17)
    for n, line in enumerate(CAN_DO):
        centred(LAYOUT.can_do_y + n * 12, f"{n + 1}. {line}", 8)
    centred(LAYOUT.privacy_y, PRIVACY, 5)
    return bytes(pdf.output())
