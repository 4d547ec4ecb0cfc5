"""Files that attack the reader: compression bombs, sheets that claim more than a sheet can hold, UTF-16
and binary data named .csv, lines no table has. Each is refused with a message naming the file (and the
part), or read correctly, with memory that stays bounded (measured with tracemalloc, not a clock)."""

import codecs
import random
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from frontline.core import tabular
from frontline.core.tabular import MAX_COLUMNS, MAX_ROWS, SharedStrings, TableError, read_table

MB = 2**20
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STRINGS_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def base_workbook(path: Path) -> Path:
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号"])
    workbook.active.append(["张三", "110105198001010011"])
    workbook.save(path)
    return path


def rebuild(base: Path, dest: Path, parts: dict) -> Path:
    """A copy of the workbook `base` with `parts` (name → bytes, or a function giving pieces of bytes)
    replacing or adding parts, streamed into the archive so that a test never holds a big part whole;
    a shared-strings part is declared in the content types and the workbook's relationships."""
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename in parts:
                continue
            data = source.read(info.filename)
            if "xl/sharedStrings.xml" in parts and info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                    + STRINGS_TYPE + b'"/></Types>')
            if "xl/sharedStrings.xml" in parts and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSS" Type="' + STRINGS_REL
                                    + b'" Target="sharedStrings.xml"/></Relationships>')
            out.writestr(info, data)
        for name, content in parts.items():
            with out.open(name, "w") as f:
                for piece in ([content] if isinstance(content, bytes) else content()):
                    f.write(piece)
    return dest


def repeated(head: bytes, body: bytes, tail: bytes, size: int):
    """A part of about `size` bytes: `body` over and over (it compresses about a thousand times)."""
    def pieces():
        yield head
        block = body * (MB // len(body))
        for _ in range(size // len(block)):
            yield block
        yield tail
    return pieces


def sheet(rows_xml: str) -> bytes:
    return f'<worksheet xmlns="{NS}"><sheetData>{rows_xml}</sheetData></worksheet>'.encode()


def strings_part(texts) -> bytes:
    return (f'<sst xmlns="{NS}">' + "".join(f"<si><t>{t}</t></si>" for t in texts) + "</sst>").encode()


def refused_with_little_memory(path: Path, limit: int = 4 * MB) -> str:
    """The message of the TableError that reading `path` raises; the reading allocated less than `limit`."""
    tracemalloc.start()
    try:
        with pytest.raises(TableError) as refused:
            table = read_table(path, path.name)
            for _row in table.rows:
                pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit, f"peak {peak / MB:.1f} MB"
    return str(refused.value)


# --- compression bombs --------------------------------------------------------------------------------

def test_a_shared_strings_bomb_is_refused_before_it_is_parsed(db, tmp_path):
    """The probe: a 2.9 MB upload with 1 GB of shared strings took the web process to 4.9 GB."""
    bomb = repeated(f'<sst xmlns="{NS}">'.encode(), b"<si><t>AAAAAAAAAAAAAAAA</t></si>", b"</sst>", 40 * MB)
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "花名册.xlsx", {"xl/sharedStrings.xml": bomb})
    assert path.stat().st_size < MB
    message = refused_with_little_memory(path)
    assert "花名册.xlsx" in message and "xl/sharedStrings.xml" in message and "压缩炸弹" in message


def test_a_sheet_bomb_is_refused_before_it_is_parsed(db, tmp_path):
    """The probe: a 3.9 MB .xlsx holding a 1 GB sheet kept a web request busy for 368 s."""
    row = b'<row><c t="inlineStr"><is><t>XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX</t></is></c></row>'
    bomb = repeated(f'<worksheet xmlns="{NS}"><sheetData>'.encode(), row, b"</sheetData></worksheet>", 40 * MB)
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "roster.xlsx", {"xl/worksheets/sheet1.xml": bomb})
    message = refused_with_little_memory(path)
    assert "roster.xlsx" in message and "xl/worksheets/sheet1.xml" in message and "压缩炸弹" in message


def test_shared_strings_beyond_their_limit_are_refused_unread(db, tmp_path, settings):
    settings.FRONTLINE_IMPORT_MAX_COMPRESSION_RATIO = 10**9  # as if the bomb compressed like real data
    settings.FRONTLINE_IMPORT_MAX_SHARED_STRINGS_BYTES = MB
    bomb = repeated(f'<sst xmlns="{NS}">'.encode(), b"<si><t>AAAAAAAAAAAAAAAA</t></si>", b"</sst>", 20 * MB)
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "roster.xlsx", {"xl/sharedStrings.xml": bomb})
    message = refused_with_little_memory(path)
    assert "xl/sharedStrings.xml" in message and "20.0 MB" in message and "1.0 MB" in message


def test_a_workbook_expanding_beyond_the_limit_is_refused_unread(db, tmp_path, settings):
    settings.FRONTLINE_IMPORT_MAX_EXPANDED_BYTES = 5 * MB
    settings.FRONTLINE_IMPORT_MAX_COMPRESSION_RATIO = 10**9
    row = b'<row><c t="inlineStr"><is><t>XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX</t></is></c></row>'
    big = repeated(f'<worksheet xmlns="{NS}"><sheetData>'.encode(), row, b"</sheetData></worksheet>", 8 * MB)
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "roster.xlsx", {"xl/worksheets/sheet1.xml": big})
    message = refused_with_little_memory(path)
    assert "roster.xlsx" in message and "5.0 MB" in message and "拆分" in message


def test_parts_read_whole_are_bounded(db, tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "WHOLE_PART_MAX_BYTES", 100)
    path = base_workbook(tmp_path / "roster.xlsx")
    message = refused_with_little_memory(path)
    assert "[Content_Types].xml" in message


def lie_about_size(path: Path, part: str, size: int) -> None:
    """Make the zip directory declare `size` bytes for `part`, whatever it really expands to."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        length = int.from_bytes(data[start + 28:start + 30], "little")
        if data[start + 46:start + 46 + length] == name:
            data[start + 24:start + 28] = size.to_bytes(4, "little")
        start += 4
    path.write_bytes(bytes(data))


def test_sizes_the_archive_lies_about_do_not_unbound_memory(db, tmp_path):
    bomb = repeated(f'<sst xmlns="{NS}">'.encode(), b"<si><t>AAAAAAAAAAAAAAAA</t></si>", b"</sst>", 40 * MB)
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "liar.xlsx", {"xl/sharedStrings.xml": bomb})
    lie_about_size(path, "xl/sharedStrings.xml", 1000)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size == 1000  # passes the ratio and size checks
    message = refused_with_little_memory(path)  # zipfile gives no more than the declared bytes: cut XML
    assert "Excel" in message


def test_a_long_sheet_is_read_in_flat_memory(db, tmp_path):
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="s"><v>{n % 3}</v></c></row>'
                   for n in range(2, 40_002))
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "long.xlsx",
                   {"xl/worksheets/sheet1.xml": sheet(header + rows),
                    "xl/sharedStrings.xml": strings_part(["序号", "姓名", "王五"])})
    tracemalloc.start()
    try:
        table = read_table(path, path.name)
        count = sum(1 for _row in table.rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 40_000 and table.headers == ["序号", "姓名"]
    assert peak < 2 * MB, f"peak {peak / MB:.1f} MB"  # openpyxl's own reader keeps an element per row read


def test_what_lies_between_the_rows_is_not_kept(db, tmp_path, settings):
    settings.FRONTLINE_IMPORT_MAX_COMPRESSION_RATIO = 10**9
    junk = "".join(f'<x{n % 7} a="{n * 7919 % 100_003}"/>' for n in range(200_000))
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>房号</t></is>'
            f'</c></row>{junk}<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c></row>')
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "junk.xlsx", {"xl/worksheets/sheet1.xml": sheet(rows)})
    tracemalloc.start()
    try:
        body = list(read_table(path, path.name).rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert body == [(2, ["张三"])] and peak < 2 * MB, f"peak {peak / MB:.1f} MB"


@pytest.mark.parametrize("rows", [
    '<row r="1">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 40_000 + "</row>",  # 160,000 elements in a row
    '<row r="1"><c><v>1</v></c></row>' + "<a>" * 1000 + "</a>" * 1000,  # nested a thousand deep
])
def test_a_row_too_large_or_nested_too_deep_is_damage(db, tmp_path, settings, rows):
    settings.FRONTLINE_IMPORT_MAX_COMPRESSION_RATIO = 10**9
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "deep.xlsx", {"xl/worksheets/sheet1.xml": sheet(rows)})
    assert "损坏" in refused_with_little_memory(path, limit=40 * MB)


def test_a_sheet_cannot_claim_more_rows_or_columns_than_a_sheet_has(db, tmp_path):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t>'
            '</is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="XFD2"><v>1</v></c></row>'
            f'<row r="{MAX_ROWS + 5}"><c r="A{MAX_ROWS + 5}" t="inlineStr"><is><t>李四</t></is></c></row>')
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "wide.xlsx", {"xl/worksheets/sheet1.xml": sheet(rows)})
    body = list(read_table(path, path.name).rows)
    assert [(number, cells[0], len(cells)) for number, cells in body] == [(2, "张三", 1)]
    assert all(len(cells) <= MAX_COLUMNS for _n, cells in body)


def test_cells_are_read_as_openpyxl_reads_them(db, tmp_path):
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
            '<c r="D1" t="s"><v>3</v></c></row>'
            '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="str"><f>A3</f><v>公式的值</v></c>'
            '<c r="C3" t="b"><v>1</v></c><c r="D3"><v>12.5</v></c></row>')
    strings = (f'<sst xmlns="{NS}"><si><t>姓名</t></si><si><r><t>备</t></r><r><rPr><b/></rPr><t>注</t></r></si>'
               '<si><t>是否</t><rPh sb="0" eb="1"><t>shifou</t></rPh></si><si><t>数</t></si>'
               '<si><t xml:space="preserve"> 王 五 </t></si></sst>').encode()
    path = rebuild(base_workbook(tmp_path / "base.xlsx"), tmp_path / "cells.xlsx",
                   {"xl/worksheets/sheet1.xml": sheet(rows), "xl/sharedStrings.xml": strings})
    table = read_table(path, path.name)
    assert table.headers == ["姓名", "备注", "是否", "数"]
    assert list(table.rows) == [(3, [" 王 五 ", "公式的值", "是", "12.5"])]
    from openpyxl.reader.strings import read_string_table

    with zipfile.ZipFile(path) as archive, archive.open("xl/sharedStrings.xml") as a, archive.open("xl/sharedStrings.xml") as b:
        assert list(SharedStrings(a)) == read_string_table(b)


# --- CSV that is not what it says ----------------------------------------------------------------------

ROWS = [["姓名", "身份证号", "房号"], ["张三", "110105198001010011", "101"], ["李四", "110105198202020022", "102"]]


@pytest.mark.parametrize("codec, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                        ("utf-16-le", b""), ("utf-16-be", b"")])
def test_utf16_text_is_read_not_taken_for_gb18030(db, tmp_path, codec, bom):
    """Excel's "Unicode text" (.txt): UTF-16 with a byte-order mark, tab-separated; without a mark too."""
    path = tmp_path / "unicode.txt"
    path.write_bytes(bom + "\r\n".join("\t".join(row) for row in ROWS).encode(codec) + "\r\n".encode(codec))
    table = read_table(path, path.name)
    assert table.encoding == "UTF-16" and table.headers == ROWS[0]
    assert [cells for _n, cells in table.rows] == ROWS[1:]


def test_utf16_csv_with_commas(db, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("\n".join(",".join(row) for row in ROWS).encode("utf-16"))
    table = read_table(path, path.name)
    assert table.headers == ROWS[0] and [cells for _n, cells in table.rows] == ROWS[1:]


@pytest.mark.parametrize("content, words", [
    (random.Random(7).randbytes(20_000), "二进制"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(200), "二进制"),
    (b"%PDF-1.7\n" + random.Random(8).randbytes(5000), "二进制"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(100), "压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
])
def test_binary_data_named_csv_is_refused_clearly(db, tmp_path, content, words):
    path = tmp_path / "名单.csv"
    path.write_bytes(content)
    with pytest.raises(TableError) as refused:
        list(read_table(path, path.name).rows)
    assert words in str(refused.value)


def test_a_line_no_table_has_is_refused_with_bounded_memory(db, tmp_path):
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("姓名,身份证号\n张三," + "1" * 30_000_000 + "\n")
    message = refused_with_little_memory(path, limit=8 * MB)
    assert "long.csv" in message and "100000" in message


def test_a_field_too_large_for_csv_is_refused_not_a_crash(db, tmp_path):
    path = tmp_path / "quoted.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write('姓名,备注\n张三,"' + ("很长的备注\n" * 30_000) + '"\n')
    with pytest.raises(TableError) as refused:
        list(read_table(path, path.name).rows)
    assert "CSV" in str(refused.value)
