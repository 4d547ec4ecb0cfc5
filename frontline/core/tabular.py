"""Reading the tables people actually have: .xlsx, and CSV in UTF-8, GB18030/GBK or UTF-16 (Excel's
"Unicode text"), streamed row by row, with their Chinese headers mapped to fields and problems reported
by row and column. The header is found below a title; a file that attacks is refused before it is
parsed (a workbook expanding beyond the limits, binary data, lines no table has), and memory stays
bounded whatever the file holds."""

import codecs
import csv
import datetime
import re
import unicodedata
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.utils.translation import gettext as _

HEADER_SEARCH_ROWS = 20  # the header is looked for among this many non-blank rows at the top
MAX_COLUMNS = 256  # cells after this column are not read (an .xls sheet had 256; no roster comes near)
MAX_ROWS = 1_048_576  # Excel's last row: a sheet claiming rows beyond it is not filled in up to them
MAX_LINE_CHARS = 100_000  # a CSV line longer than this is no table row (a roster row has a few hundred)
SAMPLE_BYTES = 1 << 20  # what is read to tell the encoding and the delimiter of a CSV
RATIO_MIN_BYTES = 1 << 20  # a workbook part smaller than this is not judged by its compression ratio
# Parts that openpyxl reads whole into memory, and parses, while it opens a workbook (styles, the workbook,
# relationships, properties): a few KB in real files, a few MB in bloated ones. The shared strings have
# their own limit (a setting: they grow with the rows) and the sheets are streamed.
WHOLE_PART_MAX_BYTES = 32 << 20


class TableError(Exception):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass
class Problem:
    row: int  # the row number a spreadsheet shows (the header is row 1 if it is the first line)
    column: str
    message: str
    severity: str = "error"  # or "warning": corrected automatically, imported anyway

    def __str__(self):
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells as text)
    encoding: str = ""
    notes: list[str] = field(default_factory=list)
    header_row: int = 1  # the row number of the header as the spreadsheet shows it (a title may be above)


def cell_text(value) -> str:
    """A cell as the text it was meant to be. Long numbers are kept in Excel's scientific notation so
    that an ID number Excel rounded can be recognized and reported, not silently accepted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if abs(value) >= 1e15:
            return f"{value:.5E}"
        return str(value)
    if isinstance(value, int):
        return f"{float(value):.5E}" if abs(value) >= 10**15 else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def normalize_header(text: str) -> str:
    return re.sub(r"[\s*:：()（）]", "", unicodedata.normalize("NFKC", text or ""))


def read_table(path: Path, filename: str | None = None, *, synonyms: dict[str, list[str]] | None = None) -> Table:
    """The first sheet of an .xlsx, or a CSV, as a header and a stream of rows. With `synonyms` (field →
    the headers people write for it), the header is the first row naming two known columns, and rows
    above it (a title, a date) are skipped with a note; without, it is the first row with two cells."""
    label = filename or path.name
    name = label.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(path, label, synonyms)
    if name.endswith((".csv", ".txt")):
        return _read_csv(path, label, synonyms)
    if name.endswith(".xls"):
        raise TableError(_("Old .xls files cannot be read: save it as .xlsx (Excel: File → Save As) or as CSV."))
    raise TableError(_("%(name)s is not an .xlsx or .csv file.") % {"name": label})


def _is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _header_then_rows(rows: Iterator[tuple[int, list[str]]], synonyms: dict[str, list[str]] | None) -> Table:
    """Find the header among the first rows and return the table: the rows after it, blank ones skipped."""
    known = {normalize_header(name): key for key, names in (synonyms or {}).items() for name in names}

    def is_header(cells):
        if known:
            return len({known[h] for h in map(normalize_header, cells) if h in known}) >= 2
        return sum(1 for c in cells if c.strip()) >= 2  # a title merged across the columns has one cell

    header, above = None, []
    for number, cells in rows:
        if _is_blank(cells):
            continue
        if is_header(cells):
            header = number, cells
            break
        above.append((number, cells))
        if len(above) == HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not above:
            raise TableError(_("The file has no header row."))
        # No row looks like a header: the first is taken (its columns can then be mapped by hand).
        header, rows, above = above[0], chain(above[1:], rows), []
    number, cells = header
    notes = []
    if above:
        text = " / ".join(" ".join(c.strip() for c in row if c.strip()) for _n, row in above)
        notes.append(_("Rows %(rows)s above the header (row %(header)d) are not data: skipped (%(text)s).") % {
            "rows": _row_span(above[0][0], above[-1][0]), "header": number, "text": _shorten(text, 80)})
    headers = [c.strip() for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    body = ((n, c) for n, c in rows if not _is_blank(c))
    return Table(headers, body, notes=notes, header_row=number)


def _row_span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Lines under a table that are not data: a signature ("填表人：张三 审核人：李四 填表日期：…"), a total, a
# note. Matched against the first non-empty cell of a row, without spaces and with full-width colons
# made plain (NFKC). Words that could be data ("负责人" in a 职务 column) count only with a colon.
_FOOTER = re.compile(r"(?:(?:填表|填报|制表|审核|审批|负责|统计|经办|联系)人|(?:填表|填报|制表|统计)(?:日期|时间|单位)"
                     r"|备注|说明|注)[:：]|(?:填表|填报|制表|审核|审批)人$|(?:合计|总计|小计)(?:[:：]|$)"
                     r"|以下(?:空白|无数据|无内容)")
_FOOTER_STARTS = frozenset("填制审负统经联备说注合总小以")


def footer_text(cells: list[str]) -> str | None:
    """The text of a row that is a line under the table rather than data (a signature, a total, a note),
    or None for any other row (cheap: one call per row of an import)."""
    for cell in cells:
        if cell:
            first = cell.lstrip()
            if first:
                break
    else:
        return None
    if first[0] not in _FOOTER_STARTS:
        return None
    if not _FOOTER.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", first))):
        return None
    return " ".join(c.strip() for c in cells if c.strip())


# --- CSV -----------------------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _mostly_control(found: int, size: int) -> bool:
    """Text has few control characters (a stray one is a cell's problem, reported by row); binary data
    has them everywhere."""
    return found * 100 > size


def _sniff_encoding(sample: bytes, label: str) -> tuple[str, str, str]:
    """(codec, name, the sample decoded) of a CSV from its first bytes, or a TableError for what is not text."""
    final = len(sample) < SAMPLE_BYTES
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00 starts like it
        candidates = [("utf-32", "UTF-32")]
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    elif sample.startswith(b"PK\x03\x04"):
        raise TableError(_("%(name)s is a zip archive, not text: if it is an Excel workbook, its name must end in "
                           ".xlsx.") % {"name": label})
    elif sample.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise TableError(_("%(name)s is an old Excel (.xls) workbook, not text: save it as .xlsx or CSV.") % {"name": label})
    else:
        candidates = [("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")]
        # UTF-16 without its mark: every ASCII character (digits, commas, tabs, line ends) has a zero byte,
        # all on the same side.
        zeros = sample.count(0)
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if zeros and zeros * 8 >= len(sample) and max(odd, even) * 20 >= zeros * 19:
            candidates = [("utf-16-le" if odd > even else "utf-16-be", "UTF-16")]
    for codec, name in candidates:
        try:
            text = codecs.getincrementaldecoder(codec)().decode(sample, final=final)
        except UnicodeDecodeError:
            continue
        if _mostly_control(len(_CONTROL.findall(text)), len(text)):
            raise TableError(_binary_message(label))
        return codec, name, text
    if _mostly_control(len(_CONTROL_BYTES.findall(sample)), len(sample)):
        raise TableError(_binary_message(label))
    raise TableError(_("The file is neither UTF-8 nor GB18030/GBK text."))


def _binary_message(label: str) -> str:
    return _("%(name)s is not a table: it holds binary data (an image, a document or a program?). Save the "
             "roster from Excel as .xlsx or CSV.") % {"name": label}


def _lines(f, label: str) -> Iterator[str]:
    """The file's lines, none longer than MAX_LINE_CHARS (memory stays bounded whatever the file holds)."""
    while line := f.readline(MAX_LINE_CHARS):
        if len(line) == MAX_LINE_CHARS and line[-1] not in "\r\n":
            raise TableError(_("%(name)s has a line longer than %(limit)d characters: it is not a table.")
                             % {"name": label, "limit": MAX_LINE_CHARS})
        yield line


def _read_csv(path: Path, label: str, synonyms: dict[str, list[str]] | None) -> Table:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    codec, encoding, text = _sniff_encoding(sample, label)
    head = text[:65536]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","  # Excel's "Unicode text" is tab-separated

    def rows():
        reader = None
        try:
            with open(path, encoding=codec, newline="") as f:
                reader = csv.reader(_lines(f, label), delimiter=delimiter)
                for number, cells in enumerate(reader, start=1):
                    yield number, cells[:MAX_COLUMNS]
        except UnicodeDecodeError as e:
            raise TableError(_("The file changes encoding part-way (at byte %(pos)s): save it again as UTF-8.")
                             % {"pos": e.start}) from None
        except csv.Error as e:
            raise TableError(_("Line %(line)d of the file cannot be read as CSV (%(error)s).")
                             % {"line": reader.line_num if reader else 0, "error": e}) from None

    table = _header_then_rows(rows(), synonyms)
    table.encoding = encoding
    return table


# --- .xlsx ---------------------------------------------------------------------------------------------

def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}"


def _check_archive(path: Path, label: str) -> None:
    """Refuse a workbook that would expand beyond the limits, from its zip directory, before anything is
    decompressed. The declared sizes are then binding: Python's zipfile gives no more bytes of a part
    than its directory declares (and fails its CRC check if there were more)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise TableError(_("The file is not a readable Excel workbook (%(error)s); open it in Excel and save it "
                           "again as .xlsx.") % {"error": e.__class__.__name__}) from None
    ratio = settings.FRONTLINE_IMPORT_MAX_COMPRESSION_RATIO
    for part in parts:
        if part.file_size > RATIO_MIN_BYTES and part.file_size > ratio * max(part.compress_size, 1):
            raise TableError(_("%(file)s was refused as a compression bomb: its part %(part)s expands %(ratio)d times, "
                               "to %(size)s MB (real spreadsheets expand 4 to 20 times).") % {
                "file": label, "part": part.filename, "ratio": part.file_size // max(part.compress_size, 1),
                "size": _mb(part.file_size)})
    total, limit = sum(part.file_size for part in parts), settings.FRONTLINE_IMPORT_MAX_EXPANDED_BYTES
    if total > limit:
        raise TableError(_("%(file)s expands to %(size)s MB when unpacked, more than the %(limit)s MB allowed: split "
                           "it (by community, for example) and import the parts.") % {
            "file": label, "size": _mb(total), "limit": _mb(limit)})


def _part_too_large(label: str, part: str, size: int, limit: int) -> TableError:
    return TableError(_("%(file)s cannot be read: its part %(part)s expands to %(size)s MB, more than the %(limit)s MB "
                        "allowed for it.") % {"file": label, "part": part, "size": _mb(size), "limit": _mb(limit)})


class _Archive(zipfile.ZipFile):
    """A workbook's archive: a part read whole into memory (styles, the workbook, relationships) may not
    pass WHOLE_PART_MAX_BYTES; the shared strings and the sheet are streamed (`open`)."""

    def __init__(self, path: Path, label: str):
        super().__init__(path)
        self.label = label

    def read(self, name, pwd=None):
        part = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if part.file_size > WHOLE_PART_MAX_BYTES:
            raise _part_too_large(self.label, part.filename, part.file_size, WHOLE_PART_MAX_BYTES)
        return super().read(name, pwd)


MAX_DEPTH = 32  # elements inside elements: a sheet nests 7 deep (worksheet/sheetData/row/c/is/r/t)
MAX_PIECE_ELEMENTS = 100_000  # elements held at once: a row of Excel's 16,384 cells has at most about 82,000


def _pieces(source, tag: str):
    """The elements named `tag` of an XML part, each whole, and nothing else kept: an element goes as soon
    as it is read, so memory stays bounded whatever the part holds (junk between the pieces included);
    a piece with more than MAX_PIECE_ELEMENTS elements, or nesting deeper than MAX_DEPTH, is damage."""
    from openpyxl.xml.functions import iterparse

    stack, inside, held = [], 0, 0
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            stack.append(element)
            held += 1
            inside += element.tag == tag
            if len(stack) > MAX_DEPTH or held > MAX_PIECE_ELEMENTS:
                raise ValueError("XML nested too deep or too large")
            continue
        stack.pop()
        if element.tag == tag:
            inside -= 1
            yield element
        if not inside and stack:
            stack[-1].clear()  # the element just read, and any before it, go
            held = len(stack)


class SharedStrings:
    """A workbook's shared strings as one UTF-8 buffer and where each ends. openpyxl keeps each as a Python
    string beside its parsed element: about 5 bytes of memory for each byte of the part (351 MB for the
    64 MB of a 1,000,000-row roster, `bench/xlsx_limits.py`); this keeps the text alone (48 MB for them)."""

    def __init__(self, source):
        from openpyxl.cell.text import Text
        from openpyxl.xml.constants import SHEET_MAIN_NS

        self._text, self._ends = bytearray(), array("Q")
        for node in _pieces(source, f"{{{SHEET_MAIN_NS}}}si"):
            # As openpyxl reads them: runs of rich text joined, phonetic guides left out.
            self._text += Text.from_tree(node).content.replace("x005F_", "").encode("utf-8", "surrogatepass")
            self._ends.append(len(self._text))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        start = self._ends[index - 1] if index else 0
        return self._text[start:self._ends[index]].decode("utf-8", "surrogatepass")


def _open_workbook(path: Path, label: str):
    """What reading a sheet's values needs from openpyxl, on a bounded archive: the sheets' names and
    parts, the styles that say which numbers are dates, and the shared strings, kept compact. Nothing
    else is read (properties, theme, charts, comments, names), and no sheet is opened yet."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):
        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                name = part.PartName[1:]
                size, limit = self.archive.getinfo(name).file_size, settings.FRONTLINE_IMPORT_MAX_SHARED_STRINGS_BYTES
                if size > limit:
                    raise _part_too_large(label, name, size, limit)
                with self.archive.open(name) as source:
                    self.shared_strings = SharedStrings(source)

        def read(self):
            self.read_manifest()
            self.read_strings()
            self.read_workbook()
            apply_stylesheet(self.archive, self.wb)
            self.sheets = [(sheet.name, rel.target) for sheet, rel in self.parser.find_sheets()
                           if rel.target in self.valid_files and "chartsheet" not in rel.Type]

    archive = _Archive(path, label)
    try:
        reader = Reader(path, read_only=True, data_only=True, keep_links=False)
        reader.archive.close()
        reader.archive = archive
        reader.read()
        if not reader.sheets:
            raise KeyError("no worksheet")
    except BaseException:
        archive.close()
        raise
    return reader, archive


def _sheet_rows(reader, archive: zipfile.ZipFile, part: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of a sheet that have a value, numbered as the spreadsheet shows them, streamed with memory
    that stays flat (`_pieces`: openpyxl's own reader keeps an emptied element for every row, and a dict
    for every row with a height). Cells are read by openpyxl's rules (shared and inline strings, dates by
    their style, cached formula results); at most MAX_COLUMNS columns and MAX_ROWS rows, whatever the
    sheet claims."""
    from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser

    workbook = reader.wb
    with archive.open(part) as source:
        parser = WorkSheetParser(source, reader.shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        count = 0
        for element in _pieces(source, ROW_TAG):
            number, cells = parser.parse_row(element)
            parser.row_dimensions.clear()
            count += 1
            if number > MAX_ROWS or count > MAX_ROWS:
                return
            values = {cell["column"]: cell["value"] for cell in cells
                      if cell["value"] is not None and cell["column"] <= MAX_COLUMNS}
            if values:
                texts = [""] * max(values)
                for column, value in values.items():
                    texts[column - 1] = cell_text(value)
                yield number, texts


_DAMAGED = (zipfile.BadZipFile, KeyError, ValueError, EOFError, ParseError, zlib.error, IndexError, TypeError)


def _read_xlsx(path: Path, label: str, synonyms: dict[str, list[str]] | None) -> Table:
    from openpyxl.utils.exceptions import InvalidFileException

    _check_archive(path, label)
    try:
        reader, archive = _open_workbook(path, label)
    except (InvalidFileException, OSError, *_DAMAGED) as e:
        raise TableError(_("The file is not a readable Excel workbook (%(error)s); open it in Excel and save it "
                           "again as .xlsx.") % {"error": e.__class__.__name__}) from None
    title, part = reader.sheets[0]

    def rows():
        try:
            yield from _sheet_rows(reader, archive, part)
        except _DAMAGED as e:
            raise TableError(_("The workbook is damaged (%(error)s).") % {"error": e.__class__.__name__}) from None
        finally:
            archive.close()

    table = _header_then_rows(rows(), synonyms)
    table.encoding = "xlsx"
    if len(reader.sheets) > 1:
        table.notes.insert(0, _("Only the first sheet, “%(name)s”, is read.") % {"name": title})
    return table


def detect_mapping(headers: list[str], synonyms: dict[str, list[str]]) -> dict[str, int]:
    """field → column index, from the header texts people use."""
    normalized = [normalize_header(h) for h in headers]
    mapping = {}
    for key, names in synonyms.items():
        for name in names:
            if normalize_header(name) in normalized:
                mapping[key] = normalized.index(normalize_header(name))
                break
    return mapping


def parse_date(text: str) -> datetime.date:
    text = unicodedata.normalize("NFKC", text).strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not m:
        raise ValueError(_("%(value)s is not a date (write 2022-04-01).") % {"value": text})
    try:
        return datetime.date(*(int(g) for g in m.groups()))
    except ValueError:
        raise ValueError(_("%(value)s is not a date that exists.") % {"value": text}) from None


class FirstSeen:
    """Which row first had a key (and a label of that row, e.g. its name), kept in a temporary on-disk
    SQLite table so that memory stays flat however long the file is. Keys are integers (the table's
    rowid: the fastest B-tree SQLite has)."""

    def __init__(self):
        import sqlite3
        import tempfile

        self._file = tempfile.NamedTemporaryFile(prefix="frontline-seen-", suffix=".sqlite3")
        self._db = sqlite3.connect(self._file.name, check_same_thread=False)  # one thread at a time
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8192;"
                               "CREATE TABLE seen (key INTEGER PRIMARY KEY, row INTEGER, label TEXT);")

    def first(self, key: int, row: int, label: str = "") -> int | None:
        """The row that had `key` before, or None (and `row`, with `label`, is remembered as the first)."""
        cursor = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (key, row, label))
        if cursor.rowcount:
            return None
        return self._db.execute("SELECT row FROM seen WHERE key = ?", (key,)).fetchone()[0]

    def label(self, key: int) -> str:
        """The label remembered with the first row that had `key` ("" if none)."""
        found = self._db.execute("SELECT label FROM seen WHERE key = ?", (key,)).fetchone()
        return found[0] if found else ""

    def close(self) -> None:
        self._db.close()
        self._file.close()
