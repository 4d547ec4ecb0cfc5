import io

from openpyxl import load_workbook

from frontline.core.models import AuditLog
from frontline.people.models import Resident
from tests.access import assert_access
from tests.exports import full_export


def _sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_roster_export_follows_the_access_matrix(city, client_for):
    assert_access(client_for, f"/areas/{city.grid.pk}/roster.xlsx", sees=["secretary", "street", "commander"],
                  hidden=["secretary2", "district2"], refused=["grid", "cadre", "volunteer", "inspector", "courier"])


def test_roster_export_is_masked_marked_and_audited(city, client_for):
    response = client_for("secretary").get(f"/areas/{city.grid.pk}/roster.xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="roster-')
    rows = _sheet(response)
    assert "secretary" in rows[1][0] and "请勿转发" in rows[1][0]
    header = rows.index(next(r for r in rows if r[0] == "网格编码"))
    data = rows[header + 1:]
    residents = Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True)
    assert len(data) == residents.count()
    ids = {r.person.id_number for r in residents.select_related("person") if r.person.id_number}
    assert not any(cell in ids for row in data for cell in row)
    assert all("*" in row[6] for row in data if row[6] and not row[6].startswith("E"))
    entry = AuditLog.objects.get(action="export", actor_name="secretary")
    assert f"{len(data)} rows" in entry.note


def test_full_identifiers_only_for_roles_that_may_reveal_them_and_only_once_approved(city, client_for):
    assert client_for("volunteer").get(f"/areas/{city.grid.pk}/roster.xlsx?full=1").status_code == 403
    asked = client_for("secretary").get(f"/areas/{city.grid.pk}/roster.xlsx?full=1")
    assert asked.status_code == 302 and not asked.has_header("Content-Disposition")  # a request, not a file
    assert not AuditLog.objects.filter(action="export").exists()
    rows = _sheet(full_export(client_for, city.grid, requester="secretary", approver="street"))
    ids = set(Resident.objects.filter(household__building__area=city.grid).values_list("person__id_number", flat=True))
    assert any(cell in ids for row in rows for cell in row if cell)
    assert "secretary" in rows[2][0] and "street" in rows[2][0]  # who asked, who approved
    assert "full identifiers" in AuditLog.objects.get(action="export", actor_name="secretary").note


def test_roster_shows_party_members_roles_and_contact_members(city, client_for):
    rows = [r for r in _sheet(client_for("secretary").get(f"/areas/{city.grid.pk}/roster.xlsx")) if len(r) >= 12]
    assert any(row[9] in ("中共党员", "中共预备党员") for row in rows)
    assert any("网格员" in (row[10] or "") for row in rows)
    assert any(row[11] for row in rows[1:])


def test_export_query_count_does_not_grow_with_rows(city, client_for, django_assert_max_num_queries):
    client = client_for("commander")
    client.get("/")
    for area in (city.grid, city.community):
        with django_assert_max_num_queries(14):
            response = client.get(f"/areas/{area.pk}/roster.xlsx")
            assert response.status_code == 200
            b"".join(response.streaming_content)
