"""Pages and API of service stations and centres: the list of an area with this month's sessions and attendees, a
station's services form and session form (errors shown in Chinese, nothing written), deleting one's own session,
the counseling list with filters and totals, the call log with masked phones and an audited reveal, recording a
call that becomes a request, and the API."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontline.areas.models import Site, SiteKind
from frontline.care import stations
from frontline.care.models import CounselingSession, HotlineCall, ResidentRequest, SiteService
from frontline.core.models import AuditLog
from tests.access import api_client

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def centre(city):
    return Site.objects.get(area=city.community, kind=SiteKind.SERVICE_CENTER)


def _zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def _session(city, site, **kw):
    values = {"held_on": timezone.localdate(), "counsellor": "李医生", "attendees": 5, "topic": "心理调适",
              "mode": "in_person"}
    values.update(kw)
    return stations.counseling_record(actor=city.users["secretary"], site=site, **values)


def test_the_street_list_shows_each_site_with_services_and_this_months_sessions(city, client_for, centre):
    stations.site_services_set(actor=city.users["secretary"], site=centre, services={"counseling": "9:00-21:00"})
    _session(city, centre, attendees=12)
    _session(city, centre, attendees=3, mode="phone")
    _session(city, centre, held_on=timezone.localdate().replace(day=1) - DAY, attendees=40)  # last month
    html = client_for("street").get(reverse("station_list"), {"area": city.street.pk}).content.decode()
    assert centre.name in html and "9:00-21:00" in html
    row = html[html.index(centre.name):]
    row = row[:row.index("</tr>")]
    assert 'data-testid="site-sessions">2<' in row and 'data-testid="site-attendees">15<' in row


def test_another_districts_area_is_not_found_and_a_volunteer_is_refused(city, client_for):
    far = client_for("secretary").get(reverse("station_list"), {"area": city.other_district.pk})
    assert far.status_code == 404
    assert client_for("volunteer").get(reverse("station_list")).status_code == 403


def test_a_secretary_saves_services_and_a_session_from_the_station_page(city, client_for, centre):
    client = client_for("secretary")
    url = reverse("station_detail", args=[centre.pk])
    assert 'data-testid="services-form"' in client.get(url).content.decode()
    response = client.post(reverse("station_services", args=[centre.pk]),
                           {"offer_rest": "1", "hours_rest": "全天", "offer_kits": "1", "hours_kits": ""})
    assert response.status_code == 302
    assert set(SiteService.objects.filter(site=centre).values_list("service", "hours")) == {("rest", "全天"), ("kits", "")}
    response = client.post(reverse("counseling_new", args=[centre.pk]), {
        "held_on": timezone.localdate().isoformat(), "counsellor": "王老师", "attendees": "4", "topic": "减压",
        "mode": "phone"}, follow=True)
    assert "减压" in response.content.decode()
    assert CounselingSession.objects.get(site=centre).attendees == 4


def test_bad_session_input_is_shown_in_chinese_on_the_field_and_writes_nothing(city, client_for, centre):
    client = _zh(client_for("secretary"))
    response = client.post(reverse("counseling_new", args=[centre.pk]), {
        "held_on": (timezone.localdate() + DAY).isoformat(), "counsellor": "王老师", "attendees": "0",
        "topic": "<script>alert(1)</script>", "mode": "phone"})
    html = response.content.decode()
    assert response.status_code == 200 and not CounselingSession.objects.exists()
    assert 'data-testid="error-held_on"' in html and 'data-testid="error-attendees"' in html
    assert 'data-testid="error-topic"' in html and "<script>alert(1)" not in html
    assert "未来" in html or "将来" in html or "之后" in html


def test_a_grid_worker_sees_the_station_without_forms_and_cannot_post(city, client_for, centre):
    client = client_for("grid")
    html = client.get(reverse("station_detail", args=[centre.pk])).content.decode()
    assert "services-form" not in html and "counseling-form" not in html
    assert client.post(reverse("counseling_new", args=[centre.pk]), {}).status_code == 403


def test_a_checkpoint_is_not_a_station_page(city, client_for):
    checkpoint = Site.objects.get(area=city.community, kind=SiteKind.CHECKPOINT)
    assert client_for("secretary").get(reverse("station_detail", args=[checkpoint.pk])).status_code == 404


def test_who_recorded_a_session_deletes_it_from_the_page_and_others_see_no_button(city, client_for, centre):
    session = _session(city, centre)
    assert 'data-testid="session-delete"' not in client_for("street").get(
        reverse("station_detail", args=[centre.pk])).content.decode()
    assert client_for("street").post(reverse("counseling_delete", args=[session.pk])).status_code == 403
    client = client_for("secretary")
    assert 'data-testid="session-delete"' in client.get(reverse("station_detail", args=[centre.pk])).content.decode()
    assert client.post(reverse("counseling_delete", args=[session.pk])).status_code == 302
    assert not CounselingSession.objects.filter(pk=session.pk).exists()


def test_the_counseling_list_filters_by_month_site_and_mode_with_totals(city, client_for, centre):
    station = Site.objects.get(area=city.street, kind=SiteKind.SERVICE_STATION)
    today = timezone.localdate()
    _session(city, centre, attendees=2, mode="phone", topic="电话疏导")
    _session(city, centre, attendees=10, topic="小组辅导")
    stations.counseling_record(actor=city.users["street"], site=station, held_on=today, counsellor="张红",
                               attendees=7, topic="志愿者减压", mode="in_person")
    _session(city, centre, held_on=today.replace(day=1) - DAY, topic="上月讲座")
    client = client_for("street")
    url = reverse("counseling_list")

    def totals(**query):
        html = client.get(url, {"area": city.street.pk, **query}).content.decode()
        n = html.split('data-testid="total-sessions">')[1].split("<")[0]
        people = html.split('data-testid="total-attendees">')[1].split("<")[0]
        return int(n), int(people), html

    n, people, html = totals()
    assert (n, people) == (3, 19) and "上月讲座" not in html
    assert totals(mode="phone")[:2] == (1, 2)
    assert totals(site=station.pk)[:2] == (1, 7)
    last = today.replace(day=1) - DAY
    n, people, html = totals(month=last.strftime("%Y-%m"))
    assert n == 1 and "上月讲座" in html
    far = Site.objects.filter(area__path__startswith=city.other_district.path, kind=SiteKind.SERVICE_CENTER).first()
    assert client.get(url, {"area": city.street.pk, "site": far.pk}).status_code == 404


def test_the_call_log_masks_phones_and_a_reveal_is_audited(city, client_for):
    call = stations.hotline_call_record(actor=city.users["hotline"], area=city.community, topic="询问配送",
                                        caller_phone="13912345678")
    client = client_for("secretary")
    html = client.get(reverse("hotline_call_list"), {"area": city.community.pk}).content.decode()
    assert "139****5678" in html and "13912345678" not in html and 'data-testid="call-reveal"' in html
    revealed = client.post(reverse("hotline_call_reveal", args=[call.pk]))
    assert "13912345678" in revealed.content.decode()
    assert AuditLog.objects.filter(action="reveal", actor=city.users["secretary"], object_id=str(call.pk)).count() == 1
    cadre = client_for("cadre")
    html = cadre.get(reverse("hotline_call_list"), {"area": city.grid.pk}).content.decode()
    assert cadre.post(reverse("hotline_call_reveal", args=[call.pk])).status_code in (403, 404)


def test_a_desk_records_a_call_that_becomes_a_request_for_a_grid(city, client_for):
    client = client_for("hotline")
    response = client.post(reverse("hotline_call_new") + f"?area={city.street.pk}", {
        "topic": "老人需要降压药", "caller_phone": "13912345678", "is_request": "on", "grid": city.grid.pk,
        "kind": "appeal", "category": "medicine", "urgency": "urgent", "text": ""})
    assert response.status_code == 302
    call = HotlineCall.objects.get(area=city.street)
    assert call.request.area == city.grid and call.request.channel == "secretary_hotline"
    html = client.get(reverse("hotline_call_list"), {"area": city.street.pk}).content.decode()
    assert call.request.receipt_display in html


def test_a_bad_call_shows_what_is_wrong_and_writes_nothing(city, client_for):
    client = _zh(client_for("hotline"))
    response = client.post(reverse("hotline_call_new") + f"?area={city.street.pk}", {
        "topic": "咨询", "caller_phone": "12345", "is_request": "on", "kind": "appeal", "category": "medicine",
        "urgency": "normal"})
    assert response.status_code == 200
    assert 'data-testid="error-caller_phone"' in response.content.decode()
    assert not HotlineCall.objects.exists() and not ResidentRequest.objects.exists()


def test_the_area_page_links_to_the_stations_pages(city, client_for):
    html = client_for("secretary").get(reverse("area_detail", args=[city.community.pk])).content.decode()
    assert 'data-testid="stations-panel"' in html and reverse("hotline_call_list") in html


def test_pages_use_no_inline_style_and_hold_at_phone_width(city, client_for, centre):
    """No inline style (the CSP forbids it); wide tables scroll inside their own box rather than the page."""
    client = client_for("secretary")
    for url in (reverse("station_list") + f"?area={city.community.pk}", reverse("station_detail", args=[centre.pk]),
                reverse("counseling_list") + f"?area={city.community.pk}",
                reverse("hotline_call_list") + f"?area={city.community.pk}"):
        html = client.get(url).content.decode()
        assert "style=" not in html
        assert html.count("<table") == html.count('class="table-responsive"')


def test_the_api_lists_sites_with_services_and_records_a_session(city, centre):
    stations.site_services_set(actor=city.users["secretary"], site=centre, services={"counseling": "9:00-21:00"})
    client = api_client(city.users["secretary"])
    sites = client.get(f"/api/v1/care/areas/{city.community.pk}/service-sites").json()
    row = next(s for s in sites if s["id"] == centre.pk)
    assert row["services"] == [{"service": "counseling", "label": row["services"][0]["label"], "hours": "9:00-21:00"}]
    url = f"/api/v1/care/service-sites/{centre.pk}/counseling-sessions"
    ok = client.post(url, json.dumps({"held_on": timezone.localdate().isoformat(), "counsellor": "王老师",
                                      "attendees": 3, "topic": "减压", "mode": "phone"}), content_type="application/json")
    assert ok.status_code == 201 and ok.json()["attendees"] == 3
    bad = client.post(url, json.dumps({"held_on": timezone.localdate().isoformat(), "counsellor": "王老师",
                                       "attendees": 0, "topic": "减压"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "attendees"
    assert CounselingSession.objects.filter(site=centre).count() == 1
    assert Client().get(f"/api/v1/care/areas/{city.community.pk}/service-sites").status_code == 401


def test_the_station_list_and_call_log_queries_do_not_grow_with_their_rows(city, client_for, centre):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("street")

    def queries(name):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name), {"area": city.street.pk}).status_code == 200
        return len(captured)

    for i in range(5):
        if i == 1:
            before = (queries("station_list"), queries("hotline_call_list"), queries("counseling_list"))
        site = Site.objects.create(kind=SiteKind.SERVICE_STATION, name=f"驿站{i}", area=city.community)
        stations.site_services_set(actor=city.users["secretary"], site=site, services={"rest": "全天", "kits": ""})
        _session(city, site)
        stations.hotline_call_record(actor=city.users["secretary"], area=city.community, topic="咨询",
                                     caller_phone="13912345678")
    assert (queries("station_list"), queries("hotline_call_list"), queries("counseling_list")) == before
