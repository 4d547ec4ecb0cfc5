"""Reading the tables people actually have: .xlsx, and CSV in UTF-8 or GB18030/GBK, streamed row by
row, with their Chinese headers mapped to fields and problems reported by row and column."""

import csv
import datetime
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _


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


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), ("UTF-8" if encoding == "utf-8-sig" else "GB18030")
        except UnicodeDecodeError:
            continue
    raise TableError(_("The file is neither UTF-8 nor GB18030/GBK text."))


def read_table(path: Path, filename: str | None = None) -> Table:
    name = (filename or path.name).lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(path)
    if name.endswith((".csv", ".txt")):
        return _read_csv(path)
    if name.endswith(".xls"):
        raise TableError(_("Old .xls files cannot be read: save it as .xlsx (Excel: File → Save As) or as CSV."))
    raise TableError(_("%(name)s is not an .xlsx or .csv file.") % {"name": filename or path.name})


def _header_then_rows(rows: Iterator[tuple[int, list[str]]]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    for _number, cells in rows:
        if "".join(cells).strip():
            return [c.strip() for c in cells], (r for r in rows if "".join(r[1]).strip())  # blank lines skipped
    raise TableError(_("The file has no header row."))


def _read_csv(path: Path) -> Table:
    with open(path, "rb") as f:
        sample = f.read(1 << 20)
    _text, encoding = _decode(sample if len(sample) < (1 << 20) else sample[: sample.rfind(b"\n") + 1] or sample)
    codec = "utf-8-sig" if encoding == "UTF-8" else "gb18030"

    def rows():
        try:
            with open(path, encoding=codec, newline="") as f:
                yield from enumerate(csv.reader(f), start=1)
        except UnicodeDecodeError as e:
            raise TableError(_("The file changes encoding part-way (at byte %(pos)s): save it again as UTF-8.")
                             % {"pos": e.start}) from None

    headers, body = _header_then_rows(rows())
    return Table(headers, body, encoding)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as e:
        raise TableError(_("The file is not a readable Excel workbook (%(error)s); open it in Excel and save it "
                           "again as .xlsx.") % {"error": e.__class__.__name__}) from None
    sheet = workbook.worksheets[0]

    def rows():
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as e:
            raise TableError(_("The workbook is damaged (%(error)s).") % {"error": e.__class__.__name__}) from None
        finally:
            workbook.close()

    headers, body = _header_then_rows(rows())
    notes = [_("Only the first sheet, “%(name)s”, is read.") % {"name": sheet.title}] if len(workbook.sheetnames) > 1 else []
    return Table(headers, body, "xlsx", notes)


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
    """Which row first had a key, kept in a temporary on-disk SQLite table so that memory stays flat
    however long the file is. Keys are integers (the table's rowid: the fastest B-tree SQLite has)."""

    def __init__(self):
        import sqlite3
        import tempfile

        self._file = tempfile.NamedTemporaryFile(prefix="frontline-seen-", suffix=".sqlite3")
        self._db = sqlite3.connect(self._file.name, check_same_thread=False)  # one thread at a time
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8192;"
                               "CREATE TABLE seen (key INTEGER PRIMARY KEY, row INTEGER);")

    def first(self, key: int, row: int) -> int | None:
        """The row that had `key` before, or None (and `row` is remembered as the first)."""
        cursor = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (key, row))
        if cursor.rowcount:
            return None
        return self._db.execute("SELECT row FROM seen WHERE key = ?", (key,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()
        self._file.close()
