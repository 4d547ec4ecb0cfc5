"""Exports with full identifiers wait for another user's approval: request → approve (or refuse) → one
download by the requester within a day, every step audited; the requester cannot approve, someone outside
the scope sees nothing (404), and who may approve is one rule."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from frontline.core.export_requests import (
    export_request_approve,
    export_request_create,
    export_request_download,
    export_request_refuse,
    export_requests_expire,
)
from frontline.core.models import Assignment, AuditLog, ExportRequest, User
from frontline.core.roles import can_approve_export
from frontline.people.models import Resident

T0 = datetime.datetime(2022, 4, 1, 9, 0, tzinfo=datetime.UTC)
REASON = "核对密接人员身份，交流调组"


@pytest.fixture
def clock(monkeypatch):
    """The time the pages and services see: `clock.now`, moved by the test."""
    class Clock:
        now = T0

    monkeypatch.setattr("django.utils.timezone.now", lambda: Clock.now)
    return Clock


def make_user(username: str, role: str, area) -> User:
    user = User.objects.create(username=username, role=role, area=area)
    Assignment.objects.create(user=user, role=role, area=area, valid_from=datetime.date(2000, 1, 1))
    return user


@pytest.fixture
def second_commander(city):
    return make_user("commander_b", "commander", city.city)


@pytest.fixture
def asked(city, clock):
    """The community secretary asks for the full roster of their community."""
    return export_request_create(actor=city.users["secretary"], kind="roster", area=city.community, reason=REASON,
                                 params={"format": "xlsx"})


def _sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _community_ids(city) -> set[str]:
    return set(Resident.objects.filter(household__building__area__path__startswith=city.community.path,
                                       moved_out__isnull=True, person__id_number__isnull=False)
               .values_list("person__id_number", flat=True))


def test_the_whole_flow_request_approve_download_once_all_audited(city, client_for, clock):
    secretary, street = client_for("secretary"), client_for("street")
    start = secretary.get(f"/areas/{city.community.pk}/roster.xlsx?full=1")
    assert start.status_code == 302 and not AuditLog.objects.filter(action="export").exists()
    form = secretary.get(start["Location"])
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    assert secretary.post(start["Location"], {"reason": " ", "format": "xlsx"}).status_code == 200  # a reason is needed
    assert not ExportRequest.objects.exists()
    response = secretary.post(start["Location"], {"reason": REASON, "format": "xlsx"})
    asked = ExportRequest.objects.get()
    assert response["Location"] == f"/exports/{asked.pk}/"
    assert (asked.status, asked.requester.username, asked.area, asked.kind) == (
        "requested", "secretary", city.community, "roster")
    assert "待审批" in secretary.get(f"/exports/{asked.pk}/").content.decode()

    # The street officer above the community finds it waiting, and approves.
    waiting = street.get("/exports/").content.decode()
    assert f'href="/exports/{asked.pk}/"' in waiting and REASON in waiting
    assert 'data-testid="approve"' in street.get(f"/exports/{asked.pk}/").content.decode()
    assert street.post(f"/exports/{asked.pk}/approve/", {"note": "同意"}).status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.approver.username, asked.decided_at, asked.expires_at) == (
        "approved", "street", T0, T0 + datetime.timedelta(hours=24))
    assert street.post(f"/exports/{asked.pk}/download/").status_code == 403  # only the requester downloads

    clock.now = T0 + datetime.timedelta(hours=23)
    download = secretary.post(f"/exports/{asked.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith('attachment; filename="roster-')
    rows = _sheet(download)
    assert "secretary" in rows[1][0] and "请勿转发" in rows[1][0]
    assert "secretary" in rows[2][0] and "street" in rows[2][0] and f"第 {asked.pk} 号" in rows[2][0]
    cells = {cell for row in rows for cell in row if cell}
    assert _community_ids(city) and _community_ids(city) <= cells
    asked.refresh_from_db()
    assert asked.status == "downloaded" and asked.downloaded_at == clock.now

    # Once only.
    again = secretary.post(f"/exports/{asked.pk}/download/")
    assert again.status_code == 302 and not again.has_header("Content-Disposition")
    assert AuditLog.objects.filter(action="export").count() == 1

    entries = AuditLog.objects.filter(object_id=str(asked.pk), content_type__model="exportrequest").order_by("id")
    assert [(e.action, e.actor_name, e.note) for e in entries] == [
        ("create", "secretary", "export requested"), ("update", "street", "export approved"),
        ("update", "secretary", "export downloaded")]
    export = AuditLog.objects.get(action="export")
    assert export.actor_name == "secretary" and f"export request {asked.pk}" in export.note


def test_a_csv_export_is_asked_for_as_csv(city, client_for, clock):
    start = client_for("secretary").get(f"/areas/{city.community.pk}/roster.xlsx?full=1&format=csv")
    client_for("secretary").post(start["Location"], {"reason": REASON, "format": "csv"})
    asked = ExportRequest.objects.get()
    assert asked.params == {"format": "csv"}
    client_for("street").post(f"/exports/{asked.pk}/approve/")
    response = client_for("secretary").post(f"/exports/{asked.pk}/download/")
    assert response["Content-Type"].startswith("text/csv")
    assert "street" in b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[2]


def test_a_refused_request_gives_nothing(city, client_for, asked):
    assert client_for("street").post(f"/exports/{asked.pk}/refuse/", {"note": "用脱敏名单即可"}).status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.approver.username, asked.decision_note) == ("refused", "street", "用脱敏名单即可")
    page = client_for("secretary").get(f"/exports/{asked.pk}/").content.decode()
    assert "未批准" in page and "用脱敏名单即可" in page and 'data-testid="download"' not in page
    assert client_for("secretary").post(f"/exports/{asked.pk}/download/").status_code == 302
    assert client_for("commander").post(f"/exports/{asked.pk}/approve/").status_code == 302  # decided already
    asked.refresh_from_db()
    assert asked.status == "refused" and not AuditLog.objects.filter(action="export").exists()
    entry = AuditLog.objects.get(object_id=str(asked.pk), content_type__model="exportrequest", action="update")
    assert (entry.actor_name, entry.note, entry.changes["status"]) == ("street", "export refused", ["requested", "refused"])


def test_an_approval_expires_after_a_day(city, client_for, asked, clock):
    export_request_approve(actor=city.users["street"], export_request=asked)
    clock.now = T0 + datetime.timedelta(hours=24, minutes=1)
    page = client_for("secretary").get(f"/exports/{asked.pk}/").content.decode()
    assert "已过期" in page and 'data-testid="download"' not in page
    response = client_for("secretary").post(f"/exports/{asked.pk}/download/")
    assert response.status_code == 302 and not response.has_header("Content-Disposition")
    asked.refresh_from_db()
    assert asked.status == "expired" and not AuditLog.objects.filter(action="export").exists()
    entry = AuditLog.objects.get(object_id=str(asked.pk), content_type__model="exportrequest", note="export expired")
    assert entry.actor_name == "system"
    assert export_requests_expire() == 0  # idempotent


def test_export_requests_expire_marks_only_those_past_their_day(city, asked, clock):
    other = export_request_create(actor=city.users["secretary"], kind="roster", area=city.grid, reason=REASON)
    export_request_approve(actor=city.users["street"], export_request=asked, now=T0)
    export_request_approve(actor=city.users["street"], export_request=other, now=T0 + datetime.timedelta(hours=2))
    assert export_requests_expire(now=T0 + datetime.timedelta(hours=25)) == 1
    assert ExportRequest.objects.get(pk=asked.pk).status == "expired"
    assert ExportRequest.objects.get(pk=other.pk).status == "approved"
    with pytest.raises(ValidationError):
        export_request_download(actor=city.users["secretary"], export_request=asked, now=T0 + datetime.timedelta(hours=25))


def test_the_requester_cannot_approve_their_own_request(city, client_for, asked):
    assert client_for("secretary").post(f"/exports/{asked.pk}/approve/").status_code == 403
    assert 'data-testid="approve"' not in client_for("secretary").get(f"/exports/{asked.pk}/").content.decode()
    commander_asks = export_request_create(actor=city.users["commander"], kind="roster", area=city.city, reason=REASON)
    with pytest.raises(PermissionDenied):
        export_request_approve(actor=city.users["commander"], export_request=commander_asks)
    with pytest.raises(PermissionDenied):
        export_request_refuse(actor=city.users["secretary"], export_request=asked)
    asked.refresh_from_db()
    assert asked.status == "requested" and asked.approver is None
    asked.status, asked.approver, asked.decided_at, asked.expires_at = "approved", asked.requester, T0, T0
    with pytest.raises(IntegrityError), transaction.atomic():
        asked.save()  # the database refuses it too


def test_someone_outside_the_scope_gets_404(city, client_for, asked):
    # Another district's commander approves at home, a sibling community's secretary asks at home: this
    # request is neither's, and answers as if it did not exist.
    for username in ("district2", "secretary2"):
        client = client_for(username)
        assert client.get(f"/exports/{asked.pk}/").status_code == 404, username
        assert client.post(f"/exports/{asked.pk}/download/").status_code == 404, username
        assert f'href="/exports/{asked.pk}/"' not in client.get("/exports/").content.decode()
    assert client_for("district2").post(f"/exports/{asked.pk}/approve/").status_code == 404
    assert client_for("secretary2").post(f"/exports/{asked.pk}/approve/").status_code == 403  # approves nowhere
    # Roles with no use for these pages at all (inside the area or not): 403.
    for username in ("grid", "grid2", "cadre", "volunteer"):
        assert client_for(username).get(f"/exports/{asked.pk}/").status_code == 403, username
        assert client_for(username).get("/exports/").status_code == 403, username
    assert client_for("commander").get("/exports/999999/").status_code == 404
    asked.refresh_from_db()
    assert asked.status == "requested"
    with pytest.raises(PermissionDenied):
        export_request_approve(actor=city.users["district2"], export_request=asked)


def test_a_second_commander_approves_at_the_top(city, client_for, second_commander, clock):
    asked = export_request_create(actor=city.users["commander"], kind="roster", area=city.city, reason=REASON)
    assert asked.pk not in [r.pk for r in _waiting_for(city.users["district2"])]
    assert asked.pk in [r.pk for r in _waiting_for(second_commander)]
    approved = export_request_approve(actor=second_commander, export_request=asked)
    assert approved.status == "approved" and approved.approver == second_commander


def _waiting_for(user):
    from frontline.core.export_requests import export_requests_to_decide

    return export_requests_to_decide(actor=user)


def test_who_may_approve_an_export(city, second_commander):
    street_b = make_user("street_b", "street_officer", city.street)
    users = city.users
    rule = {
        # area: those who may approve for it
        "community": {"street", "street_b", "commander", "commander_b"},
        "grid": {"street", "street_b", "commander", "commander_b"},
        "street": {"commander", "commander_b"},
        "district": {"commander", "commander_b"},
        "city": {"commander", "commander_b"},
        "other_district": {"commander", "commander_b", "district2"},  # a second commander at its own area
    }
    everyone = {**users, "commander_b": second_commander, "street_b": street_b}
    for place, allowed in rule.items():
        allowed = allowed | {"orgdept"}  # the demo's organization department: a commander of the city too
        area = getattr(city, place)
        for username, user in everyone.items():
            assert can_approve_export(user, area) == (username in allowed), (username, place)


def test_an_ended_assignment_approves_nothing(city, client_for, asked):
    Assignment.objects.filter(user=city.users["street"]).update(valid_until=datetime.date(2022, 3, 31))
    street = User.objects.get(username="street")
    assert not can_approve_export(street, city.community)
    assert client_for("street").post(f"/exports/{asked.pk}/approve/").status_code == 403
    asked.refresh_from_db()
    assert asked.status == "requested"
    assert 'href="/exports/"' not in client_for("street").get("/").content.decode()


def test_a_role_that_may_not_reveal_cannot_ask(city, client_for):
    for username in ("grid", "cadre", "volunteer"):  # a grid worker reveals a phone to call, but never exports
        client = client_for(username)
        assert client.get(f"/areas/{city.grid.pk}/roster.xlsx?full=1").status_code == 403, username
        assert client.post(f"/areas/{city.grid.pk}/exports/roster/new/", {"reason": REASON}).status_code == 403
    assert client_for("secretary2").post(f"/areas/{city.grid.pk}/exports/roster/new/", {"reason": REASON}).status_code == 404
    assert client_for("secretary").get(f"/areas/{city.grid.pk}/exports/nothing/new/").status_code == 404
    assert not ExportRequest.objects.exists()
    for username in ("cadre", "grid"):
        with pytest.raises(PermissionDenied):
            export_request_create(actor=city.users[username], kind="roster", area=city.grid, reason=REASON)
    with pytest.raises(PermissionDenied):  # outside their scope
        export_request_create(actor=city.users["secretary"], kind="roster", area=city.sibling_community, reason=REASON)


def test_the_full_export_never_leaves_without_an_approved_request(city):
    from frontline.core.export import xlsx_export

    with pytest.raises(PermissionError):
        xlsx_export(actor=city.users["secretary"], filename="x", title="x", headers=["身份证号"], rows=[], note="x",
                    full_identifiers=True)


def test_navigation_and_area_page_lead_to_the_requests(city, client_for):
    assert 'href="/exports/"' in client_for("street").get("/").content.decode()
    assert 'href="/exports/"' in client_for("commander").get("/").content.decode()
    assert 'href="/exports/"' not in client_for("grid").get("/").content.decode()
    page = client_for("secretary").get(f"/areas/{city.community.pk}/").content.decode()
    assert f'href="/areas/{city.community.pk}/exports/roster/new/"' in page
    page = client_for("cadre").get(f"/areas/{city.community.pk}/").content.decode()
    assert "/exports/roster/new/" not in page


def test_an_approved_export_is_not_downloaded_once_the_requesters_assignment_ended(city, asked, clock):
    export_request_approve(actor=city.users["street"], export_request=asked)
    Assignment.objects.filter(user=city.users["secretary"]).update(valid_until=datetime.date(2022, 3, 31))
    with pytest.raises(PermissionDenied):
        export_request_download(actor=User.objects.get(username="secretary"), export_request=asked)
    asked.refresh_from_db()
    assert asked.status == "approved" and not AuditLog.objects.filter(action="export").exists()
