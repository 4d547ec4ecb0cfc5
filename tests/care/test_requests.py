"""Handling residents' requests: confirming a resident-page request sends it to its unit with the same deadline;
resolving needs a note and closes the work order; the call-back rates 1–5 and reopens an unsatisfied request
with a fresh deadline; duplicates merge within a grid; overdue requests escalate up the area tree with a
controlled clock, and resolving stops it; the figures and the demo."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from frontline.areas import figures
from frontline.care.models import Channel, RequestStatus, ResidentRequest, Urgency
from frontline.care.request_services import (
    request_call_back,
    request_confirm,
    request_merge,
    request_order,
    request_reopen,
    request_resolve,
)
from frontline.care.requests import RESIDENT_REQUEST, request_submit
from frontline.core.models import AuditLog, WorkOrder
from frontline.core.services import work_order_complete, work_orders_escalate_overdue
from frontline.demo.care_requests import STORY, demo_requests_create

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def t0():
    """A clock well after every demo request, so a run of the escalation sees the test's own orders move."""
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)


def _take(city, home, *, category="supplies", urgency=Urgency.NORMAL, actor="grid", now=None, grid=None, **kw):
    return request_submit(actor=city.users[actor], grid=grid or city.grid, household=home, kind="appeal",
                          channel=Channel.GRID, category=category, urgency=urgency, text="家中缺少生活物资",
                          contact_phone="13800138000", now=now, **kw)


def _page(city, home, category="medical"):
    return request_submit(actor=None, grid=city.grid, household=home, kind="appeal", channel=Channel.PAGE,
                          category=category, text="老人需要就医", contact_phone="13800138001")


def test_confirming_a_page_request_closes_the_grid_order_and_routes_it_to_its_unit_same_deadline(city, homes):
    request = _page(city, homes.one)
    grid_order = request_order(request)
    assert grid_order.area == city.grid
    request = request_confirm(actor=city.users["grid"], request=request, note="已电话核实")
    grid_order.refresh_from_db()
    assert grid_order.status == "done" and request.verified
    unit_order = request_order(request)
    assert unit_order.area == city.community and unit_order.assignee_role == "community_secretary"
    assert unit_order.due_at == request.due_at == grid_order.due_at
    assert AuditLog.objects.filter(object_id=str(request.pk), note="request confirmed").exists()
    with pytest.raises(ValidationError, match="已经核实过"):
        request_confirm(actor=city.users["secretary"], request=request)


def test_resolving_needs_a_note_and_closes_the_work_order(city, homes):
    request = _take(city, homes.one)
    with pytest.raises(ValidationError) as refused:
        request_resolve(actor=city.users["grid"], request=request, resolution="   ")
    assert "办理结果" in " ".join(refused.value.messages)  # names the field
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request_order(request) is not None
    request = request_resolve(actor=city.users["grid"], request=request, resolution="已送米面油上门")
    assert request.status == RequestStatus.RESOLVED and request.resolved_at is not None
    assert request_order(request) is None
    assert WorkOrder.objects.get(kind=RESIDENT_REQUEST, subject_id=request.pk).events.filter(
        action="done", note="已送米面油上门").exists()


def test_the_generic_done_refuses_a_request_work_order(city, homes):
    request = _take(city, homes.one)
    with pytest.raises(ValidationError, match="专门页面"):
        work_order_complete(actor=city.users["grid"], order=request_order(request))


def test_a_grid_worker_cannot_resolve_what_went_to_the_community_nor_another_grids(city, homes):
    request = _take(city, homes.one, category="medical")  # routed to the community
    with pytest.raises(PermissionDenied):
        request_resolve(actor=city.users["grid"], request=request, resolution="已处理")
    with pytest.raises(PermissionDenied):
        request_resolve(actor=city.users["grid2"], request=request, resolution="已处理")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request_resolve(actor=city.users["secretary"], request=request, resolution="已联系医院").status == "resolved"


def test_an_unconfirmed_page_request_is_not_resolved_before_the_household_confirms(city, homes):
    request = _page(city, homes.one, category="supplies")
    with pytest.raises(ValidationError, match="请先与住户核实"):
        request_resolve(actor=city.users["grid"], request=request, resolution="已处理")


@pytest.mark.parametrize("rating", [0, 6, "7", "五", "", None, "3.5", -1])
def test_a_rating_outside_1_to_5_is_refused_with_a_chinese_message_and_nothing_changes(city, homes, rating):
    request = request_resolve(actor=city.users["grid"], request=_take(city, homes.one), resolution="已送达")
    with pytest.raises(ValidationError) as refused:
        request_call_back(actor=city.users["hotline"], request=request, rating=rating)
    assert "满意度评分须为1到5之间的整数" in " ".join(refused.value.messages)
    request.refresh_from_db()
    assert request.status == RequestStatus.RESOLVED and request.rating is None and request.called_back_at is None


def test_a_satisfied_call_back_closes_the_request(city, homes, t0):
    request = request_resolve(actor=city.users["grid"], request=_take(city, homes.one), resolution="已送达")
    request = request_call_back(actor=city.users["hotline"], request=request, rating="4", now=t0)
    assert (request.status, request.rating, request.called_back_at) == (RequestStatus.CLOSED, 4, t0)
    with pytest.raises(ValidationError, match="只有已办结的诉求才能回访"):
        request_call_back(actor=city.users["hotline"], request=request, rating=5)


@pytest.mark.parametrize("rating, resolved", [(2, True), (5, False)])
def test_an_unsatisfied_or_unresolved_call_back_reopens_with_a_fresh_deadline_and_a_new_order(city, homes, t0,
                                                                                              rating, resolved):
    request = _take(city, homes.one, now=t0)
    request = request_resolve(actor=city.users["grid"], request=request, resolution="已送达", now=t0 + HOUR)
    later = t0 + 30 * HOUR
    request = request_call_back(actor=city.users["hotline"], request=request, rating=rating, resolved=resolved,
                                now=later)
    assert request.status == RequestStatus.OPEN and request.reopened == 1 and request.resolved_at is None
    assert request.due_at == later + 24 * HOUR  # supplies, normal: 24 hours from the call-back
    orders = WorkOrder.objects.filter(kind=RESIDENT_REQUEST, subject_id=request.pk).order_by("id")
    assert [o.status for o in orders] == ["done", "open"] and orders[1].due_at == request.due_at


def test_hotline_staff_call_back_but_do_not_resolve_and_grid_workers_do_not_call_back(city, homes):
    request = _take(city, homes.one)
    with pytest.raises(PermissionDenied):
        request_resolve(actor=city.users["hotline"], request=request, resolution="已处理")
    request = request_resolve(actor=city.users["grid"], request=request, resolution="已处理")
    with pytest.raises(PermissionDenied):
        request_call_back(actor=city.users["grid"], request=request, rating=5)


def test_reopening_needs_a_reason_and_a_resolved_or_closed_request(city, homes, t0):
    request = _take(city, homes.one)
    with pytest.raises(ValidationError, match="只有已办结或已关闭"):
        request_reopen(actor=city.users["hotline"], request=request, reason="居民再次来电")
    request = request_resolve(actor=city.users["grid"], request=request, resolution="已处理")
    request = request_call_back(actor=city.users["hotline"], request=request, rating=5)
    with pytest.raises(ValidationError):
        request_reopen(actor=city.users["hotline"], request=request, reason="")
    request = request_reopen(actor=city.users["hotline"], request=request, reason="居民再次来电，问题未解决", now=t0)
    assert request.status == RequestStatus.OPEN and request.reopened == 1 and request.due_at == t0 + 24 * HOUR
    assert request_order(request).status == "open"


def test_a_duplicate_merges_into_the_original_of_the_same_grid(city, homes):
    original, duplicate = _take(city, homes.one), _take(city, homes.two)
    merged = request_merge(actor=city.users["grid"], duplicate=duplicate, original=original)
    assert merged.status == RequestStatus.MERGED and merged.duplicate_of == original
    order = WorkOrder.objects.get(kind=RESIDENT_REQUEST, subject_id=duplicate.pk)
    assert order.status == "done" and order.events.filter(note__contains=original.receipt_display).exists()
    assert list(original.duplicates.all()) == [merged]
    with pytest.raises(ValidationError):
        request_merge(actor=city.users["grid"], duplicate=merged, original=original)


def test_merging_across_grids_is_refused_naming_both_and_nothing_changes(city, homes):
    here = _take(city, homes.one, actor="secretary")
    there = _take(city, homes.other_grid, actor="secretary", grid=city.sibling_grid)
    with pytest.raises(ValidationError) as refused:
        request_merge(actor=city.users["secretary"], duplicate=there, original=here)
    message = " ".join(refused.value.messages)
    assert city.grid.name in message and city.sibling_grid.name in message and "同一网格" in message
    there.refresh_from_db()
    assert there.status == RequestStatus.OPEN and there.duplicate_of is None and request_order(there) is not None
    with pytest.raises(ValidationError, match="其自身"):
        request_merge(actor=city.users["secretary"], duplicate=here, original=here)


def test_an_urgent_medical_request_not_handled_escalates_from_community_to_street_and_resolving_stops_it(city, homes, t0):
    request = _take(city, homes.one, category="medical", urgency=Urgency.URGENT, now=t0)
    order = request_order(request)
    assert order.area == city.community and order.due_at == t0 + 2 * HOUR
    work_orders_escalate_overdue(now=t0 + HOUR)  # not yet due
    order.refresh_from_db()
    assert order.escalated_to is None
    work_orders_escalate_overdue(now=t0 + 2 * HOUR + datetime.timedelta(minutes=1))
    order.refresh_from_db()
    assert order.escalated_to == city.street and order.escalation_level == 1
    assert order.events.filter(action="escalated").count() == 1
    # The street officer (where it climbed to) sees it; the secretary resolves it; it climbs no further.
    assert WorkOrder.objects.visible_to(city.users["street"]).filter(pk=order.pk).exists()
    request_resolve(actor=city.users["secretary"], request=request, resolution="已联系120送医", now=t0 + 3 * HOUR)
    work_orders_escalate_overdue(now=t0 + 200 * HOUR)
    order.refresh_from_db()
    assert order.status == "done" and order.escalated_to == city.street and order.escalation_level == 1


def test_an_unhandled_request_climbs_no_higher_than_the_district(city, homes, t0):
    request = _take(city, homes.one, category="medical", urgency=Urgency.URGENT, now=t0)
    order = request_order(request)
    for hours in (3, 30, 60, 90, 120):  # past the grace period each time
        work_orders_escalate_overdue(now=t0 + hours * HOUR)
    order.refresh_from_db()
    assert order.escalated_to == city.district and order.escalation_level == 2


def test_the_figures_count_requests_heard_suggestions_resolved_and_open(city, homes, t0):
    day = timezone.localtime(t0).date()
    commander = city.users["commander"]

    def table():
        return figures.figure_table(actor=commander, area=city.community,
                                    codes=["requests_received", "suggestions_received", "requests_resolved"],
                                    period=figures.Period(day, day + datetime.timedelta(days=1))).total

    def open_now():
        return figures.figure_table(actor=commander, area=city.community, codes=["requests_open"]).total["requests_open"]

    before, open_before = table(), open_now()
    first = _take(city, homes.one, now=t0)
    request_submit(actor=city.users["grid"], grid=city.grid, household=homes.two, kind="suggestion",
                   channel=Channel.GRID, category="other", text="建议增设快递柜", now=t0)
    request_resolve(actor=city.users["grid"], request=first, resolution="已送达", now=t0 + HOUR)
    after = table()
    assert after["requests_received"] - before["requests_received"] == 2
    assert after["suggestions_received"] - before["suggestions_received"] == 1
    assert after["requests_resolved"] - before["requests_resolved"] == 1
    assert open_now() - open_before == 1


def test_the_demo_tells_the_story_once(city):
    demo_requests_create()
    demo_requests_create()  # once only
    rows = ResidentRequest.objects.filter(area__path__startswith=city.community.path)
    assert rows.count() == len(STORY) == 15
    assert len(set(rows.values_list("category", flat=True))) >= 6
    assert len(set(rows.values_list("channel", flat=True))) >= 5
    assert rows.filter(status=RequestStatus.CLOSED, rating__isnull=False).exists()
    assert rows.filter(status=RequestStatus.OPEN, reopened=1).exists()
    assert rows.filter(status=RequestStatus.MERGED, duplicate_of__isnull=False).exists()
    assert rows.filter(channel=Channel.PAGE, verified=False).exists()
    assert rows.filter(status=RequestStatus.OPEN, due_at__lt=timezone.now()).exists()
    assert rows.filter(status=RequestStatus.RESOLVED, called_back_at__isnull=True).exists()
