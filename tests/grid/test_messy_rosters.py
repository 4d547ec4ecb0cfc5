"""The rosters people really have: a title above the header, a signature under the data, blank formatted
rows, buildings written five ways, duplicate ID numbers under two names, and cells no form would take."""

import csv
import datetime

import pytest
from openpyxl import Workbook
from openpyxl.styles import Border, PatternFill, Side

from frontline.areas.models import Building, Household
from frontline.core.validators import id_check_char
from frontline.grid.roster import roster_apply, roster_check
from frontline.people.models import Person, Resident

HEADER = ["序号", "姓名", "身份证号", "联系电话", "楼栋", "单元", "房号", "与户主关系", "政治面貌", "入住日期"]


def make_id(seq: int, birth: str = "19800101") -> str:
    first17 = f"110105{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def write_csv(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def check(city, path):
    result, table, _mapping = roster_check(actor=city.users["secretary"], area=city.grid, path=path, filename=path.name)
    return result, table


def errors(result):
    return {(p.row, p.column): p.message for p in result.problems if p.severity == "error"}


def test_title_above_the_header_signature_below_and_formatted_blank_rows(city, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["XX街道XX社区居民花名册（2022年4月）"])
    sheet.merge_cells("A1:J1")
    sheet.append(["填报单位：XX社区", None, None, None, None, None, "填报日期：2022年4月1日"])
    sheet.append(HEADER)
    sheet.append([1, "周一", make_id(61), "13900000061", "1号楼", "1", "801", "户主", "群众", datetime.date(2022, 4, 1)])
    sheet.append([2, "周二", make_id(62, "19820202"), "13900000062", "一栋", "1", "801", "配偶", "群众", None])
    sheet.append([3, "周三", make_id(63, "20100303"), None, "1#", "1", "801", "子女", None, None])
    sheet.append([])
    sheet.append(["填表人：张三          审核人：李四          填表日期：2022年4月1日"])
    sheet.merge_cells("A8:J8")
    sheet.append(["合计：3户3人"])
    boxed = Border(*(Side(style="thin"),) * 4)
    for number in range(10, 40):  # the template's rows, formatted and empty
        for column in range(1, 11):
            cell = sheet.cell(row=number, column=column)
            cell.border, cell.fill = boxed, PatternFill("solid", fgColor="FFFFCC")
    workbook.save(tmp_path / "花名册.xlsx")
    result, table = check(city, tmp_path / "花名册.xlsx")
    assert table.header_row == 3 and table.headers == HEADER
    assert result.error_count == 0 and errors(result) == {}
    warnings = {(p.row, p.message) for p in result.problems if p.severity == "warning"}
    assert any(row == 3 and "第1–2行" in message and "花名册" in message for row, message in warnings)
    assert any(row == 8 and "填表人：张三" in message and "已跳过" in message for row, message in warnings)
    assert any(row == 9 and "合计" in message for row, message in warnings)
    counts, _result = roster_apply(actor=city.users["secretary"], area=city.grid, path=tmp_path / "花名册.xlsx",
                                   filename="花名册.xlsx")
    assert counts["people_created"] == 3 and counts["buildings_created"] == 0
    head = Resident.objects.get(person__id_number=make_id(61))
    assert head.household.building.name == "1栋" and head.moved_in == datetime.date(2022, 4, 1)


def test_a_header_with_a_title_and_no_synonym_still_found_in_csv(city, tmp_path):
    path = tmp_path / "titled.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["XX社区居民花名册"], [], HEADER,
                                 [1, "周一", make_id(64), "", "1栋", "1", "802", "户主", "", ""]])
    result, table = check(city, path)
    assert table.header_row == 3 and result.error_count == 0 and result.total_rows == 1


@pytest.mark.parametrize("written", ["1号楼", "1幢", "1#", "1＃", "一栋", "1 栋", "01栋", "第一栋", "1"])
def test_a_building_written_any_usual_way_is_the_grids_building(city, tmp_path, written):
    path = write_csv(tmp_path / "b.csv", [[1, "周一", make_id(65), "", written, "1", "803", "户主", "", ""]])
    result, _table = check(city, path)
    assert result.error_count == 0 and not [n for n in result.notes if "1栋" in n or written in n]  # nothing to create
    counts, _r = roster_apply(actor=None, area=city.grid, path=path, filename="b.csv")
    assert counts["buildings_created"] == 0
    household = Household.objects.get(residents__person__id_number=make_id(65))
    assert household.building == Building.objects.get(area=city.grid, name="1栋")


def test_a_new_numbered_building_is_created_under_the_citys_name_for_it(city, tmp_path):
    path = write_csv(tmp_path / "b.csv", [[1, "周一", make_id(66), "", "七号楼", "1", "101", "户主", "", ""],
                                          [2, "周二", make_id(67), "", "7#", "1", "102", "户主", "", ""]])
    counts, _r = roster_apply(actor=None, area=city.grid, path=path, filename="b.csv")
    assert counts["buildings_created"] == 1
    assert Building.objects.filter(area=city.grid, name="7栋").count() == 1


def test_a_repeated_id_number_says_which_row_and_whether_the_name_differs(city, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [[1, "周一", make_id(68), "", "1栋", "1", "804", "户主", "", ""],
                                            [2, "周一", make_id(68), "", "1栋", "1", "804", "其他", "", ""],
                                            [3, "吴三", make_id(68), "", "1栋", "1", "804", "其他", "", ""]])
    found = errors(check(city, path)[0])
    assert found[(3, "身份证号")] == "身份证号与第2行重复"
    assert "身份证号与第2行重复" in found[(4, "身份证号")] and "周一" in found[(4, "身份证号")]
    assert "同一人" not in found[(4, "身份证号")]


def test_every_cell_is_checked_as_a_form_would_check_it(city, tmp_path):
    before = Person.objects.count()
    rows = [
        [1, "张" * 200, make_id(71), "", "1栋", "1", "805", "户主", "", ""],
        [2, "张\x00三", make_id(72), "", "1栋", "1", "806", "户主", "", ""],
        [3, "李四", make_id(73), "", "1栋", "1", "8\u202e07", "户主", "", ""],
        [4, "王\u2067五\u2069", make_id(74), "", "1栋", "1", "808", "户主", "", ""],
        [5, "赵六", make_id(75), "", "1栋", "12345678901", "809", "户主", "", ""],
        [6, "钱七", make_id(76), "", "楼" * 60, "1", "810", "户主", "", ""],
        [7, "孙\u200b八", make_id(77) + "\u200b", "", "1栋", "1", "811", "户主", "", ""],
    ]
    result, _table = check(city, write_csv(tmp_path / "bad.csv", rows))
    found = errors(result)
    assert "200个字符" in found[(2, "姓名")] and "50" in found[(2, "姓名")]
    assert "控制字符" in found[(3, "姓名")] and "U+0000" in found[(3, "姓名")]
    assert "U+202E" in found[(4, "房号")]
    assert "U+2067" in found[(5, "姓名")]
    assert "最多只能10个" in found[(6, "单元")]
    assert "最多只能50个" in found[(7, "楼栋")]
    assert set(found) == {(2, "姓名"), (3, "姓名"), (4, "房号"), (5, "姓名"), (6, "单元"), (7, "楼栋")}  # one each
    warnings = {(p.row, p.column, p.message) for p in result.problems if p.severity == "warning"}
    assert {(8, "姓名", "已删除不可见字符"), (8, "身份证号", "已删除不可见字符")} <= warnings
    assert Person.objects.count() == before
    counts, _r = roster_apply(actor=None, area=city.grid, path=write_csv(tmp_path / "ok.csv", rows[-1:]), filename="ok.csv")
    assert counts["people_created"] == 1 and Person.objects.get(id_number=make_id(77)).name == "孙八"


def test_rows_with_nothing_in_the_columns_read_are_not_residents(city, tmp_path):
    rows = [[1, "周一", make_id(78), "", "1栋", "1", "812", "户主", "", ""]] + [[n, "", "", "", "", "", "", "", "", ""]
                                                                              for n in range(2, 200)]
    result, _table = check(city, write_csv(tmp_path / "template.csv", rows))
    assert result.error_count == 0 and result.warning_count == 0


def test_a_utf16_roster_saved_as_unicode_text_imports(city, tmp_path):
    lines = ["\t".join(HEADER), "\t".join(["1", "周一", make_id(79), "13900000079", "1栋", "1", "813", "户主", "", ""])]
    path = tmp_path / "花名册.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    result, table = check(city, path)
    assert table.encoding == "UTF-16" and result.error_count == 0 and result.total_rows == 1


def test_the_roster_a_community_really_sends_imports_twice_without_a_false_alarm(city, tmp_path):
    """Title and signature, a child and a foreigner without ID numbers, "3号楼" for 3栋, a building the grid
    does not have yet, a 备注 column nobody reads: the dry run flags nothing, the import takes every row,
    and the same file again changes nothing."""
    existing = Building.objects.filter(area=city.grid).order_by("name").first()
    header = ["序号", "姓名", "身份证号", "出生日期", "联系电话", "楼栋", "单元", "房号", "与户主关系", "政治面貌", "备注"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["XX街道XX社区第1网格居民花名册（2022年4月）"])
    sheet.merge_cells("A1:K1")
    sheet.append(header)
    sheet.append([1, "吴一", make_id(71), None, "13900000071", existing.name.replace("栋", "号楼"), "2", "1201", "户主",
                  "中共党员", "独居"])
    sheet.append([2, "吴小宝", None, datetime.date(2019, 6, 1), None, existing.name.replace("栋", "号楼"), "2", "1201",
                  "子女", "", "无身份证"])
    sheet.append([3, "John Smith", None, "1985-03-02", "13900000073", "9号楼", "1", "101", "户主", "", "外籍"])
    sheet.append([])
    sheet.append(["填表人：张三    审核人：李四"])
    workbook.save(tmp_path / "第1网格.xlsx")

    result, table = check(city, tmp_path / "第1网格.xlsx")
    assert errors(result) == {}
    assert any("备注" in note for note in result.notes)  # listed as ignored, not silently dropped
    assert any("9栋" in note for note in result.notes)  # the building the import will create
    before = Person.objects.count(), Household.objects.count()
    counts, _result = roster_apply(actor=city.users["secretary"], area=city.grid, path=tmp_path / "第1网格.xlsx",
                                   filename="第1网格.xlsx")
    assert (counts["people_created"], counts["buildings_created"]) == (3, 1)
    assert Person.objects.count() == before[0] + 3 and Household.objects.count() == before[1] + 2
    child = Resident.objects.get(person__name="吴小宝", moved_out__isnull=True)
    assert child.household.building == existing and child.person.id_number is None
    assert Building.objects.filter(area=city.grid, name="9栋").exists()

    again, _result = roster_apply(actor=city.users["secretary"], area=city.grid, path=tmp_path / "第1网格.xlsx",
                                  filename="第1网格.xlsx")
    assert again["people_created"] == 0 and again["unchanged"] == 3
    assert Person.objects.count() == before[0] + 3
