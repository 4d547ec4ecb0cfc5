"""Benchmark: what a legitimate roster workbook expands to, and what reading it costs, to size the limits
that refuse compression bombs (FRONTLINE_IMPORT_MAX_EXPANDED_BYTES, _SHARED_STRINGS_BYTES, _COMPRESSION_RATIO).

    .venv/bin/python bench/xlsx_limits.py --rows 1000000

Writes an N-row roster with the export's 12 columns (a title row above the header, unique names, ID
numbers and phones as text) twice: as openpyxl writes it (inline strings) and as Excel and WPS write it
(shared strings: one table of distinct strings, cells pointing into it). Prints each file's size, what
its parts expand to and their compression ratios; then, each in a fresh process, the time and peak
memory of reading every row through Frontline's reader (`read_table`), and the peak memory of openpyxl's
own shared-strings table for comparison.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["网格编码", "网格", "楼栋", "单元", "房号", "姓名", "身份证号", "联系电话", "与户主关系", "政治面貌",
          "两长一员", "联系党员"]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文志红玉梅春海燕金凤晓东子涵雨欣浩然梓萱一诺怡宇轩"


def roster_rows(count: int):
    from frontline.core.validators import id_check_char

    rng = random.Random(1)
    for i in range(count):
        first17 = f"4101{rng.randint(1, 99):02d}{1930 + i % 90}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 2 else "")
        yield [f"41010200100{1 + i // 5000 % 40:02d}", f"第{1 + i // 5000 % 40}网格", f"{1 + i // 300 % 30}栋",
               str(1 + i % 4), f"{1 + i % 30}{i % 4 + 1:02d}", name, first17 + id_check_char(first17),
               f"13{rng.randint(0, 999_999_999):09d}", ["户主", "配偶", "子女", "父母"][i % 4],
               "中共党员" if i % 17 == 0 else "群众", "", ""]


def write_inline(path: Path, count: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["XX街道XX社区居民花名册（2022年4月）"])
    sheet.append(HEADER)
    for row in roster_rows(count):
        sheet.append(row)
    workbook.save(path)


def write_shared(path: Path, inline: Path, count: int) -> None:
    """The same rows as Excel writes them: the sheet's cells index a shared-strings part."""
    strings: dict[str, int] = {}
    columns = "ABCDEFGHIJKL"

    def sheet_xml():
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats'
               f'.org/spreadsheetml/2006/main"><dimension ref="A1:L{count + 2}"/><sheetData>')
        for number, row in enumerate([["XX街道XX社区居民花名册（2022年4月）"], HEADER, *roster_rows(count)], start=1):
            cells = []
            for column, value in zip(columns, row, strict=False):
                if value:
                    index = strings.setdefault(value, len(strings))
                    cells.append(f'<c r="{column}{number}" s="1" t="s"><v>{index}</v></c>')
            yield f'<row r="{number}" spans="1:12">{"".join(cells)}</row>'
        yield "</sheetData></worksheet>"

    with zipfile.ZipFile(inline) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                with out.open(info.filename, "w", force_zip64=True) as f:
                    for piece in sheet_xml():
                        f.write(piece.encode())
                continue
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            out.writestr(info, data)
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.'
                    b'org/spreadsheetml/2006/main">')
            for text in strings:
                f.write(f"<si><t>{escape(text)}</t></si>".encode())
            f.write(b"</sst>")


def describe(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    total = sum(p.file_size for p in parts)
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, expands to {total / 1e6:.1f} MB")
    for p in sorted(parts, key=lambda p: -p.file_size)[:3]:
        print(f"  {p.filename:28} {p.file_size / 1e6:9.1f} MB  ratio {p.file_size / max(p.compress_size, 1):5.1f}")


def peak_mb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) // 1024


def measure(path: Path) -> None:
    """In a fresh process (`--measure`): read every row through Frontline's reader."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
    import django

    django.setup()
    from frontline.core.tabular import read_table

    before = peak_mb()
    start = time.perf_counter()
    table = read_table(path, path.name, synonyms={"name": ["姓名"], "id_number": ["身份证号"]})
    rows = sum(1 for _row in table.rows)
    seconds = time.perf_counter() - start
    peak = peak_mb() - before
    print(f"  read_table: {rows} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s), memory +{peak:.0f} MB "
          f"(header row {table.header_row})")


def measure_openpyxl_strings(path: Path) -> None:
    from openpyxl.reader.strings import read_string_table

    before = peak_mb()
    with zipfile.ZipFile(path) as archive, archive.open("xl/sharedStrings.xml") as source:
        strings = read_string_table(source)
    peak = peak_mb() - before
    print(f"  openpyxl's own shared strings ({len(strings)} of them): memory +{peak:.0f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--openpyxl-strings", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(Path(args.measure))
    if args.openpyxl_strings:
        return measure_openpyxl_strings(Path(args.openpyxl_strings))
    with tempfile.TemporaryDirectory(prefix="frontline-bench-xlsx-") as tmp:
        os.environ["FRONTLINE_DATA_DIR"] = tmp
        inline, shared = Path(tmp) / "roster-inline.xlsx", Path(tmp) / "roster-shared.xlsx"
        write_inline(inline, args.rows)
        write_shared(shared, inline, args.rows)
        for path in (inline, shared):
            describe(path)
            subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True)
        subprocess.run([sys.executable, __file__, "--openpyxl-strings", str(shared)], check=True)


if __name__ == "__main__":
    main()
