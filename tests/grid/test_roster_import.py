import csv

import pytest
from openpyxl import Workbook

from frontline.areas.models import Building, Household
from frontline.core.models import ImportRecord
from frontline.core.tabular import TableError
from frontline.core.validators import id_check_char
from frontline.grid import roster
from frontline.grid.models import GridRole
from frontline.grid.roster import RosterProblems, roster_apply, roster_check
from frontline.people.models import PartyMember, Person, Resident

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
HEADER = ["姓名", "身份证号", "联系电话", "楼栋", "单元", "房号", "与户主关系", "政治面貌", "两长一员"]


def make_id(seq: int, birth: str = "19800101") -> str:
    first17 = f"110105{birth}{seq:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def building(city):
    return Building.objects.filter(area=city.grid).order_by("name").first()


def write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def good_rows(building):
    return [
        ["周一", make_id(11), "13900000001", building.name, "1", "901", "户主", "中共党员", "网格员"],
        ["周二", make_id(12, "19820202"), "13900000002", building.name, "1", "901", "配偶", "群众", ""],
        ["周三", make_id(13, "20100303"), "", building.name, "1", "901", "子女", "", ""],
    ]


def test_dry_run_lists_every_problem_by_row_and_column_and_writes_nothing(city, tmp_path, building):
    before = Person.objects.count(), Household.objects.count()
    bad_check = make_id(21)[:-1] + ("0" if make_id(21)[-1] != "0" else "1")
    rows = [
        ["甲", bad_check, "13900000011", building.name, "1", "902", "户主", "", ""],
        ["乙", make_id(22), "1390000", building.name, "1", "902", "配偶", "", ""],
        ["丙", make_id(22), "13900000013", building.name, "1", "902", "子女", "", ""],
        ["丁", make_id(24), "13900000014", "99栋", "1", "902", "其他", "", ""],
        ["戊", make_id(25).translate(FULL_WIDTH), " 13900000015", building.name, "1", "902", "表亲", "", ""],
    ]
    path = write_csv(tmp_path / "roster.csv", rows)
    result, _table, _mapping = roster_check(actor=city.users["secretary"], area=city.grid, path=path, filename="roster.csv")
    found = {(p.row, p.column, p.severity) for p in result.problems}
    assert (2, "身份证号", "error") in found  # check digit
    assert (3, "联系电话", "error") in found
    assert (4, "身份证号", "error") in found  # duplicate of row 3
    assert (5, "楼栋", "error") not in found  # a new building: created by the import, listed in the plan
    assert any("99栋" in note for note in result.notes)
    assert (6, "身份证号", "warning") in found  # full-width digits
    assert (6, "联系电话", "warning") in found  # stray space
    assert (6, "与户主关系", "error") in found
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "校验位" in messages[(2, "身份证号")] and "第3行" in messages[(4, "身份证号")]
    assert (Person.objects.count(), Household.objects.count()) == before


def test_an_id_that_excel_turned_into_a_number_is_caught(city, tmp_path, building):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["己", float(make_id(31)), "13900000031", building.name, "1", "903", "户主", "", ""])
    workbook.save(tmp_path / "roster.xlsx")
    result, _t, _m = roster_check(actor=None, area=city.grid, path=tmp_path / "roster.xlsx", filename="roster.xlsx")
    assert result.error_count == 1 and "转成了数字" in result.problems[0].message


def test_import_is_idempotent_and_builds_the_chain(city, tmp_path, building):
    path = write_csv(tmp_path / "roster.csv", good_rows(building))
    counts, _ = roster_apply(actor=city.users["secretary"], area=city.grid, path=path, filename="roster.csv")
    assert (counts["people_created"], counts["households_created"], counts["moved_in"]) == (3, 1, 3)
    head = Person.objects.get(id_number=make_id(11))
    assert head.birth_date.isoformat() == "1980-01-01" and head.pinyin_initials == "zy"
    assert PartyMember.objects.get(person=head).org.area == city.grid
    assert GridRole.objects.filter(member__person=head, kind="grid_member", area=city.grid).exists()
    snapshot = (Person.objects.count(), Resident.objects.count(), Household.objects.count(), GridRole.objects.count())
    again, _ = roster_apply(actor=city.users["secretary"], area=city.grid, path=path, filename="roster.csv")
    assert again["unchanged"] == 3 and again["people_created"] == again["moved_in"] == again["roles_created"] == 0
    assert (Person.objects.count(), Resident.objects.count(), Household.objects.count(), GridRole.objects.count()) == snapshot


def test_a_corrected_file_updates_the_people_it_matches(city, tmp_path, building):
    roster_apply(actor=None, area=city.grid, path=write_csv(tmp_path / "a.csv", good_rows(building)), filename="a.csv")
    rows = good_rows(building)
    rows[1][0] = "周贰"
    rows[2][5] = "902"  # the child moved to another flat
    counts, _ = roster_apply(actor=None, area=city.grid, path=write_csv(tmp_path / "b.csv", rows), filename="b.csv")
    assert counts["people_updated"] == 1 and counts["moved_in"] == 1
    assert Person.objects.get(id_number=make_id(12, "19820202")).name == "周贰"
    child = Person.objects.get(id_number=make_id(13, "20100303"))
    homes = Resident.objects.filter(person=child).order_by("moved_in", "id")
    assert [h.household.room for h in homes] == ["901", "902"] and homes[0].moved_out is not None


def test_a_community_file_names_its_grids_by_code_within_the_importers_scope(city, tmp_path, building):
    path = tmp_path / "community.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["网格编码", *HEADER], *[[city.grid.code, *r] for r in good_rows(building)],
                                 [city.sibling_community.code + "001", "辛", make_id(51), "", "1栋", "1", "101", "户主", "", ""]])
    result, _t, _m = roster_check(actor=city.users["secretary"], area=city.community, path=path, filename="community.csv")
    assert [(p.row, p.column) for p in result.problems if p.severity == "error"] == [(5, "网格编码")]


def test_gbk_csv_is_read(city, tmp_path, building):
    path = write_csv(tmp_path / "gbk.csv", good_rows(building), encoding="gbk")
    result, table, _m = roster_check(actor=None, area=city.grid, path=path, filename="gbk.csv")
    assert table.encoding == "GB18030" and result.error_count == 0 and result.total_rows == 3


def test_nothing_is_half_imported(city, tmp_path, building, monkeypatch):
    monkeypatch.setattr(roster, "CHUNK", 2)
    rows = good_rows(building) + [["庚", make_id(41), "13900000041", building.name, "1", "909", "表亲", "", ""]]
    before = Person.objects.count(), Resident.objects.count()
    with pytest.raises(RosterProblems) as e:
        roster_apply(actor=None, area=city.grid, path=write_csv(tmp_path / "r.csv", rows), filename="r.csv")
    assert e.value.result.error_count == 1
    assert (Person.objects.count(), Resident.objects.count()) == before


@pytest.mark.parametrize("name, content, message", [
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "Excel"),
    ("old.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
    ("empty.csv", b"\n\n", "表头"),
])
def test_unreadable_files_say_why(city, tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(TableError) as e:
        roster_check(actor=None, area=city.grid, path=tmp_path / name, filename=name)
    assert message in str(e.value)


def test_web_upload_check_and_import(city, client_for, tmp_path, building):
    client = client_for("secretary")
    path = write_csv(tmp_path / "web.csv", good_rows(building))
    with open(path, "rb") as f:
        response = client.post(f"/areas/{city.grid.pk}/imports/new/", {"file": f})
    record = ImportRecord.objects.get()
    assert response.url == f"/imports/{record.pk}/" and record.status == "checked" and record.total_rows == 3
    assert client_for("grid").get(f"/imports/{record.pk}/").status_code == 403
    assert client_for("secretary2").get(f"/imports/{record.pk}/").status_code == 404
    client.post(f"/imports/{record.pk}/apply/")
    record.refresh_from_db()
    assert record.status == "done" and record.result["people_created"] == 3
    assert "导入" in client.get(f"/imports/{record.pk}/").content.decode()


def test_web_upload_refuses_oversized_and_foreign_files(city, client_for, tmp_path, settings):
    settings.FRONTLINE_IMPORT_MAX_BYTES = 10
    client = client_for("secretary")
    (tmp_path / "big.csv").write_bytes(b"x" * 100)
    with open(tmp_path / "big.csv", "rb") as f:
        response = client.post(f"/areas/{city.grid.pk}/imports/new/", {"file": f})
    assert response.status_code == 400 and "big.csv" in response.content.decode()
    settings.FRONTLINE_IMPORT_MAX_BYTES = 10**6
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    with open(tmp_path / "photo.jpg", "rb") as f:
        response = client.post(f"/areas/{city.grid.pk}/imports/new/", {"file": f})
    assert response.status_code == 400 and not ImportRecord.objects.exists()


def test_remapping_columns(city, client_for, tmp_path, building):
    path = tmp_path / "odd.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["住户姓名", "身份证号", "联系电话", "楼栋", "单元", "房号"],
                                 ["周一", make_id(11), "13900000001", building.name, "1", "901"]])
    client = client_for("secretary")
    with open(path, "rb") as f:
        client.post(f"/areas/{city.grid.pk}/imports/new/", {"file": f})
    record = ImportRecord.objects.get()
    assert record.error_count == 1 and "姓名" in record.problems[0][1]
    client.post(f"/imports/{record.pk}/remap/", {"map-name": "0", "map-id_number": "1", "map-phone": "2",
                                                 "map-building": "3", "map-unit": "4", "map-room": "5"})
    record.refresh_from_db()
    assert record.status == "checked" and record.error_count == 0


def test_a_workbook_with_several_sheets_says_which_one_is_read(city, tmp_path, building):
    workbook = Workbook()
    workbook.active.title = "花名册"
    workbook.active.append(HEADER)
    workbook.active.append(good_rows(building)[0])
    workbook.create_sheet("说明").append(["填表说明"])
    workbook.save(tmp_path / "two.xlsx")
    result, _t, _m = roster_check(actor=None, area=city.grid, path=tmp_path / "two.xlsx", filename="two.xlsx")
    assert result.error_count == 0 and result.total_rows == 1
    assert any("花名册" in p.message and p.severity == "warning" for p in result.problems)
    _counts, applied = roster_apply(actor=None, area=city.grid, path=tmp_path / "two.xlsx", filename="two.xlsx")
    assert [str(p) for p in applied.problems] == [str(p) for p in result.problems]  # the import keeps the note too


def test_import_pages_follow_the_access_matrix(city, client_for):
    from tests.access import assert_access

    assert_access(client_for, f"/areas/{city.grid.pk}/imports/new/", sees=["secretary", "street", "commander"],
                  hidden=["secretary2", "district2"])
    assert client_for("grid").get(f"/areas/{city.grid.pk}/imports/new/").status_code == 403


def test_changes_to_what_people_had_are_audited(city, tmp_path, building):
    from frontline.core.models import AuditLog

    secretary = city.users["secretary"]
    roster_apply(actor=secretary, area=city.grid, path=write_csv(tmp_path / "a.csv", good_rows(building)), filename="a.csv")
    rows = good_rows(building)
    rows[0][0] = "周壹"  # renamed
    rows[2][5] = "902"  # moved
    rows[1][7] = "中共预备党员"  # joined
    roster_apply(actor=secretary, area=city.grid, path=write_csv(tmp_path / "b.csv", rows), filename="b.csv")
    updates = AuditLog.objects.filter(action="update", note="roster import", actor_name="secretary")
    models = sorted(updates.values_list("content_type__model", flat=True))
    assert models == ["person", "resident"]
    child = Person.objects.get(id_number=make_id(13, "20100303"))
    assert updates.get(content_type__model="resident").person == child
    assert updates.get(content_type__model="person").changes["name"] == ["周一", "周壹"]


def test_a_new_relation_and_a_new_party_status_change_the_rows_people_had(city, tmp_path, building):
    from frontline.core.models import AuditLog

    rows = good_rows(building)
    rows[1][7] = "中共预备党员"
    roster_apply(actor=city.users["secretary"], area=city.grid, path=write_csv(tmp_path / "a.csv", rows), filename="a.csv")
    rows[1][7] = "中共党员"  # full member now
    rows[1][6] = "其他"  # was 配偶
    counts, _ = roster_apply(actor=city.users["secretary"], area=city.grid, path=write_csv(tmp_path / "b.csv", rows),
                             filename="b.csv")
    assert (counts["members_updated"], counts["members_created"], counts["moved_in"], counts["unchanged"]) == (1, 0, 0, 2)
    person = Person.objects.get(id_number=make_id(12, "19820202"))
    assert PartyMember.objects.get(person=person, left_on=None).status == "formal"
    assert Resident.objects.get(person=person, moved_out=None).relation == "other"
    changed = AuditLog.objects.filter(action="update", note="roster import", person=person)
    assert sorted(changed.values_list("content_type__model", flat=True)) == ["partymember", "resident"]


def test_a_child_without_an_id_number_is_matched_by_name_birth_date_and_household_on_the_next_import(city, tmp_path, building):
    header = [*HEADER, "出生日期"]
    rows = [r + [""] for r in good_rows(building)] + [["周小", "", "", building.name, "1", "901", "子女", "", "", "2021-05-06"]]

    def write(name, rows):
        with open(tmp_path / name, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([header, *rows])
        return tmp_path / name

    counts, result = roster_apply(actor=city.users["secretary"], area=city.grid, path=write("a.csv", rows), filename="a.csv")
    assert result.error_count == 0 and counts["people_created"] == 4
    child = Person.objects.get(name="周小")
    assert child.id_number is None and child.birth_date.isoformat() == "2021-05-06"
    again, _ = roster_apply(actor=None, area=city.grid, path=write("b.csv", rows), filename="b.csv")
    assert again["people_created"] == 0 and again["unchanged"] == 4 and Person.objects.filter(name="周小").count() == 1
    # Later the child gets an ID number: it attaches to the same person, birth date and sex from it.
    rows[3][1] = make_id(14, "20210506")
    later, _ = roster_apply(actor=city.users["secretary"], area=city.grid, path=write("c.csv", rows), filename="c.csv")
    assert later["people_created"] == 0 and later["people_updated"] == 1
    child.refresh_from_db()
    assert child.id_number == make_id(14, "20210506") and Person.objects.filter(name="周小").count() == 1


def test_a_row_without_an_id_number_needs_a_birth_date_and_is_not_listed_twice(city, tmp_path, building):
    path = tmp_path / "r.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名", "身份证号", "楼栋", "房号", "出生日期"],
                                 ["约翰", "", building.name, "905", ""],
                                 ["玛丽", "", building.name, "905", "1990-01-02"],
                                 ["玛丽", "", building.name, "905", "1990-01-02"]])
    result, _t, _m = roster_check(actor=None, area=city.grid, path=path, filename="r.csv")
    problems = {(p.row, p.column): p.message for p in result.problems if p.severity == "error"}
    assert set(problems) == {(2, "出生日期"), (4, "姓名")}
    assert "出生日期" in problems[(2, "出生日期")] and "第3行" in problems[(4, "姓名")]


def test_buildings_the_grid_does_not_have_are_listed_in_the_dry_run_and_created(city, tmp_path, client_for):
    from frontline.core.models import AuditLog

    rows = [["吴一", make_id(61), "", "新3栋", "1", "101", "户主", "", ""],
            ["吴二", make_id(62), "", "新3栋", "2", "201", "户主", "", ""],
            ["吴三", make_id(63), "", "新3栋", "2", "201", "配偶", "", ""],
            ["郑一", make_id(64), "", "新5栋", "", "1", "户主", "", ""]]
    client = client_for("secretary")
    with open(write_csv(tmp_path / "new.csv", rows), "rb") as f:
        client.post(f"/areas/{city.grid.pk}/imports/new/", {"file": f})
    record = ImportRecord.objects.get()
    assert record.error_count == 0 and not Building.objects.filter(name__startswith="新").exists()
    assert any("新3栋" in n and "2个单元" in n and "2户" in n for n in record.notes), record.notes
    assert any("新5栋" in n and "1户" in n for n in record.notes)
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert "将新建楼栋" in page and "新3栋" in page
    client.post(f"/imports/{record.pk}/apply/")
    record.refresh_from_db()
    assert record.status == "done" and record.result["buildings_created"] == 2 and record.result["households_created"] == 3
    new = Building.objects.get(name="新3栋")
    assert new.area == city.grid and Household.objects.filter(building=new).count() == 2
    assert AuditLog.objects.filter(action="create", content_type__model="building", object_id=str(new.pk),
                                   actor_name="secretary").exists()
    assert "新增楼栋 2" in client.get(f"/imports/{record.pk}/").content.decode()


def test_columns_the_import_does_not_use_are_listed_as_ignored(city, tmp_path, building):
    path = tmp_path / "extra.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名", "身份证号", "楼栋", "房号", "是否党员", "备注"],
                                 ["周一", make_id(11), building.name, "901", "是", "新搬来"]])
    result, _t, _m = roster_check(actor=None, area=city.grid, path=path, filename="extra.csv")
    assert result.error_count == 0 and "忽略的列：是否党员、备注" in result.notes


def test_result_counts_are_shown_in_chinese(city, client_for, tmp_path, building):
    client = client_for("secretary")
    with open(write_csv(tmp_path / "web.csv", good_rows(building)), "rb") as f:
        client.post(f"/areas/{city.grid.pk}/imports/new/", {"file": f})
    record = ImportRecord.objects.get()
    client.post(f"/imports/{record.pk}/apply/")
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert "新增人员 3" in page and "迁入 3" in page and "people_created" not in page
