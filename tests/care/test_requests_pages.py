"""Residents' requests pages and API: an area's list with its filters and counts by category, a request's page
with its masked phone and audited reveal, the actions each viewer gets, taking a request by room or by the
caller's phone without listing anyone, the hotline's call-back queue, bad input shown in Chinese, the API."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from frontline.care.models import Channel, RequestStatus, ResidentRequest, Urgency
from frontline.care.request_services import request_order, request_resolve
from frontline.care.requests import request_submit
from frontline.core.models import AuditLog
from frontline.people.models import Person, Resident
from tests.access import api_client

PHONE = "13912345678"


def _take(city, home, *, category="supplies", urgency=Urgency.NORMAL, kind="appeal", now=None, text="家中缺少生活物资"):
    return request_submit(actor=city.users["grid"], grid=city.grid, household=home, kind=kind, channel=Channel.GRID,
                          category=category, urgency=urgency, text=text, contact_phone=PHONE, now=now)


def test_the_list_filters_and_counts_heard_and_resolved_by_category(city, homes, client_for):
    medicine = _take(city, homes.one, category="medicine", text="需要代购降压药")
    request_resolve(actor=city.users["grid"], request=medicine, resolution="已代购送达")
    _take(city, homes.two, category="supplies", text="缺米缺油")
    old = _take(city, homes.two, category="medical", urgency=Urgency.URGENT, text="老人发烧需要就医",
                now=timezone.now() - datetime.timedelta(hours=5))
    client = client_for("secretary")
    rows = ResidentRequest.objects.filter(area__path__startswith=city.community.path)
    heard, solved = rows.count(), rows.filter(status__in=["resolved", "closed"]).count()
    page = client.get(reverse("request_list")).content.decode()
    assert f"听取意见建议{heard}条，解决{solved}件" in page
    assert "需要代购降压药" in page and "缺米缺油" in page
    filtered = client.get(reverse("request_list"), {"area": city.grid.pk, "category": "medicine"}).content.decode()
    assert "需要代购降压药" in filtered and "缺米缺油" not in filtered
    overdue = client.get(reverse("request_list"), {"area": city.grid.pk, "overdue": "on"}).content.decode()
    assert "老人发烧需要就医" in overdue and "缺米缺油" not in overdue and old.receipt_display in overdue
    resolved = client.get(reverse("request_list"), {"area": city.grid.pk, "status": "resolved"}).content.decode()
    assert "需要代购降压药" in resolved and "缺米缺油" not in resolved


def test_another_grids_worker_does_not_see_the_request_nor_the_grid(city, homes, client_for):
    request = _take(city, homes.one)
    client = client_for("grid2")
    assert client.get(reverse("request_detail", args=[request.pk])).status_code == 404
    assert client.get(reverse("request_list"), {"area": city.grid.pk}).status_code == 404


def test_a_request_page_masks_the_phone_and_the_reveal_is_audited(city, homes, client_for):
    request = _take(city, homes.one, text="楼下快递无人分拣")
    client = client_for("grid")
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "139****5678" in page and PHONE not in page and "楼下快递无人分拣" in page
    assert city.grid.name in page and 'data-testid="resolve-link"' in page and 'data-testid="call-back-link"' not in page
    revealed = client.post(reverse("request_reveal", args=[request.pk]))
    assert revealed.status_code == 200 and PHONE in revealed.content.decode()
    assert AuditLog.objects.filter(action="reveal", object_id=str(request.pk), actor=city.users["grid"]).exists()


def test_hotline_staff_reveal_the_phone_only_to_call_back_a_resolved_request(city, homes, client_for):
    request = _take(city, homes.one)
    client = client_for("hotline")
    assert client.post(reverse("request_reveal", args=[request.pk])).status_code == 403
    request_resolve(actor=city.users["grid"], request=request, resolution="已送达")
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'data-testid="call-back-link"' in page and 'data-testid="resolve-link"' not in page
    assert PHONE in client.post(reverse("request_reveal", args=[request.pk])).content.decode()


def test_the_call_back_queue_and_a_rating_outside_the_scale_shown_in_chinese(city, homes, client_for):
    request = request_resolve(actor=city.users["grid"], request=_take(city, homes.one, text="需要卫生纸"),
                              resolution="已送达")
    client = client_for("hotline")
    queue = client.get(reverse("request_call_backs")).content.decode()
    assert request.receipt_display in queue
    refused = client.post(reverse("request_call_back", args=[request.pk]), {"rating": "7", "resolved": "yes"})
    assert refused.status_code == 200 and "满意度评分须为1到5之间的整数" in refused.content.decode()
    request.refresh_from_db()
    assert request.rating is None and request.status == RequestStatus.RESOLVED
    done = client.post(reverse("request_call_back", args=[request.pk]), {"rating": "5", "resolved": "yes"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.rating == 5
    assert request.receipt_display not in client.get(reverse("request_call_backs")).content.decode()


def test_resolving_without_a_note_is_refused_on_the_page(city, homes, client_for):
    request = _take(city, homes.one)
    client = client_for("grid")
    refused = client.post(reverse("request_resolve", args=[request.pk]), {"resolution": "  "})
    assert refused.status_code == 200 and "办理结果" in refused.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert client.post(reverse("request_resolve", args=[request.pk]), {"resolution": "已送达"}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.RESOLVED


def test_confirming_a_page_request_then_the_work_orders_own_page_leads_to_it(city, homes, client_for):
    request = request_submit(actor=None, grid=city.grid, household=homes.one, kind="appeal", channel=Channel.PAGE,
                             category="medical", text="老人需要就医", contact_phone=PHONE)
    grid = client_for("grid")
    order = request_order(request)
    assert grid.get(reverse("request_order", args=[order.pk]))["Location"] == reverse("request_detail", args=[request.pk])
    assert 'data-testid="confirm-link"' in grid.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert grid.post(reverse("request_confirm", args=[request.pk]), {"note": "已回拨住户核实"}).status_code == 302
    request.refresh_from_db()
    assert request.verified and request_order(request).area == city.community
    # Now at the community: the grid worker no longer handles it.
    assert grid.post(reverse("request_resolve", args=[request.pk]), {"resolution": "x"}).status_code == 403


def test_merging_on_the_page_by_receipt_code(city, homes, client_for):
    original, duplicate = _take(city, homes.one), _take(city, homes.two)
    client = client_for("grid")
    missing = client.post(reverse("request_merge", args=[duplicate.pk]), {"original": "ZZZZZ-ZZZZZ"})
    assert missing.status_code == 200 and "ZZZZZ-ZZZZZ" in missing.content.decode()
    assert client.post(reverse("request_merge", args=[duplicate.pk]),
                       {"original": original.receipt_display}).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == RequestStatus.MERGED and duplicate.duplicate_of == original
    page = client.get(reverse("request_detail", args=[original.pk])).content.decode()
    assert duplicate.receipt_display in page


@pytest.fixture
def caller(city):
    """A resident of the demo grid with a contact phone no one else has."""
    resident = (Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True)
                .select_related("person", "household__building").order_by("-id").first())
    Person.objects.filter(pk=resident.person_id).update(phone="13711112222")
    return resident


def _form(city, **extra):
    return {"grid": city.grid.pk, "kind": "appeal", "channel": "hotline", "category": "supplies", "urgency": "normal",
            "text": "家里缺米", **extra}


def test_hotline_takes_a_request_found_by_the_callers_phone_without_listing_anyone(city, caller, client_for):
    client = client_for("hotline")
    form = client.get(reverse("request_take")).content.decode()
    assert caller.person.name not in form
    response = client.post(reverse("request_take"), _form(city, phone="137-1111-2222"))
    assert response.status_code == 302
    request = ResidentRequest.objects.get(text="家里缺米")
    assert request.household == caller.household and request.channel == "hotline" and request.verified
    assert request.contact_phone == "13711112222" and request.taken_by == city.users["hotline"]
    assert caller.person.name not in client.get(response["Location"]).content.decode()


def test_a_request_is_taken_by_building_and_room(city, homes, client_for):
    home = homes.two
    response = client_for("grid").post(reverse("request_take"), _form(
        city, channel="grid", building=home.building.name, unit=home.unit, room=home.room))
    assert response.status_code == 302
    assert ResidentRequest.objects.get(text="家里缺米").household == home


@pytest.mark.parametrize("extra, message", [
    ({"phone": "13700000009"}, "来电号码无法对应到"),
    ({"building": "99栋", "room": "101"}, "没有"),
    ({"building": "1栋"}, "请同时填写楼栋和房间号"),
    ({"text": "<script>alert(1)</script>"}, "script"),
])
def test_a_request_that_cannot_be_taken_says_why_and_writes_nothing(city, client_for, extra, message):
    before = ResidentRequest.objects.count()
    response = client_for("hotline").post(reverse("request_take"), _form(city, **extra))
    assert response.status_code == 200 and message in response.content.decode()
    assert ResidentRequest.objects.count() == before


def test_the_list_page_queries_do_not_grow_with_its_rows(city, homes, client_for, django_assert_max_num_queries):
    client = client_for("secretary")
    for i in range(3):
        _take(city, homes.one, text=f"缺米{i}")
    client.get(reverse("request_list"))
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("request_list"))
    for i in range(12):
        _take(city, homes.two, text=f"缺油{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("request_list"))


def test_the_api_lists_masked_takes_and_resolves(city, homes):
    request = _take(city, homes.one)
    grid = api_client("grid")
    listed = grid.get("/api/v1/care/requests?status=open")
    assert listed.status_code == 200
    items = {i["id"]: i for i in listed.json()["items"]}
    assert items[request.pk]["contact_phone"] == "139****5678" and PHONE not in listed.content.decode()
    made = grid.post("/api/v1/care/requests", json.dumps({
        "grid_id": city.grid.pk, "household_id": homes.two.pk, "channel": "grid", "category": "medicine",
        "urgency": "urgent", "text": "需要胰岛素", "contact_phone": PHONE}), content_type="application/json")
    assert made.status_code == 201 and made.json()["contact_phone"] == "139****5678"
    refused = grid.post(f"/api/v1/care/requests/{request.pk}/resolve", json.dumps({"resolution": ""}),
                        content_type="application/json")
    assert refused.status_code == 422
    done = grid.post(f"/api/v1/care/requests/{request.pk}/resolve", json.dumps({"resolution": "已送达"}),
                     content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    other = api_client("grid2")
    assert other.post(f"/api/v1/care/requests/{made.json()['id']}/resolve", json.dumps({"resolution": "x"}),
                      content_type="application/json").status_code == 404
