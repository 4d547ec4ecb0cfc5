"""Service stations and centres: the services a site offers, counseling sessions (checked, deleted only by who
recorded them within a day), secretary-hotline calls (a phone stored, masked in the audit log; a call that is a
request taken in through the base's intake), the figures, and the demo."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from frontline.areas import figures
from frontline.areas.models import Area, AreaLevel, Site, SiteKind
from frontline.care import stations
from frontline.care.models import Channel, CounselingSession, HotlineCall, ResidentRequest, SiteService
from frontline.core.models import AuditLog, WorkOrder
from frontline.demo.care_stations import CALLS, SESSIONS, demo_stations_create

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English here (the pages' tests read them in Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def centre(city):
    return Site.objects.get(area=city.community, kind=SiteKind.SERVICE_CENTER)


@pytest.fixture
def station(city):
    return Site.objects.get(area=city.street, kind=SiteKind.SERVICE_STATION)


@pytest.fixture
def far_centre(city):
    return Site.objects.filter(area__path__startswith=city.other_district.path,
                               kind=SiteKind.SERVICE_CENTER).order_by("pk").first()


def _record(city, site, **kw):
    values = {"held_on": timezone.localdate(), "counsellor": "李医生", "attendees": 5, "topic": "隔离期间心理调适",
              "mode": "in_person"}
    values.update(kw)
    return stations.counseling_record(actor=kw.pop("actor", city.users["secretary"]), site=site,
                                      **{k: v for k, v in values.items() if k != "actor"})


# --- services offered ------------------------------------------------------------------------------------------

def test_a_secretary_sets_the_centres_services_and_hours_and_each_change_is_audited(city, centre):
    secretary = city.users["secretary"]
    stations.site_services_set(actor=secretary, site=centre, services={"counseling": "9:00-21:00", "kits": ""})
    rows = stations.site_services_set(actor=secretary, site=centre,
                                      services={"counseling": "全天", "medicine": "9:00-16:00"})
    assert [(r.service, r.hours) for r in rows] == [("counseling", "全天"), ("medicine", "9:00-16:00")]
    actions = list(AuditLog.objects.filter(content_type__model="siteservice", actor=secretary)
                   .values_list("action", flat=True))
    assert sorted(actions).count("delete") == 1 and "update" in actions
    assert actions.count("create") >= 3


@pytest.mark.parametrize("services, message", [
    ({"karaoke": ""}, "not a service"),
    ({"counseling": "<b>9:00</b>"}, "web code"),
    ({"counseling": "9" * 61}, "at most 60"),
])
def test_bad_services_are_refused_and_nothing_changes(city, centre, services, message):
    before = list(SiteService.objects.filter(site=centre).values_list("service", "hours"))
    with pytest.raises(ValidationError) as refused:
        stations.site_services_set(actor=city.users["secretary"], site=centre, services=services)
    assert message in " ".join(refused.value.messages)
    assert list(SiteService.objects.filter(site=centre).values_list("service", "hours")) == before


def test_services_only_for_stations_and_centres_and_only_by_the_desk_of_the_place(city, centre, far_centre):
    checkpoint = Site.objects.get(area=city.community, kind=SiteKind.CHECKPOINT)
    with pytest.raises(ValidationError, match="not a service station"):
        stations.site_services_set(actor=city.users["secretary"], site=checkpoint, services={"rest": ""})
    for username, site in (("hotline", centre), ("grid", centre), ("secretary", far_centre)):
        with pytest.raises(PermissionDenied):
            stations.site_services_set(actor=city.users[username], site=site, services={"rest": ""})


# --- counseling sessions ---------------------------------------------------------------------------------------

def test_a_session_is_recorded_with_clean_text_and_audited(city, centre):
    session = _record(city, centre, topic="  复工复产心理调适  ", mode="phone", attendees=1)
    assert session.topic == "复工复产心理调适" and session.recorded_by == city.users["secretary"]
    assert AuditLog.objects.filter(action="create", content_type__model="counselingsession",
                                   object_id=str(session.pk)).exists()


@pytest.mark.parametrize("change, field, message", [
    ({"held_on": "tomorrow"}, "held_on", "in the future"),
    ({"attendees": 0}, "attendees", "from 1 to 10,000"),
    ({"attendees": 10_001}, "attendees", "from 1 to 10,000"),
    ({"topic": "<script>alert(1)</script>"}, "topic", "web code"),
    ({"topic": "   "}, "topic", "please write something"),
    ({"counsellor": ""}, "counsellor", "please write something"),
    ({"mode": "telepathy"}, "mode", "Choose how"),
])
def test_a_bad_session_is_refused_naming_the_field_and_writes_nothing(city, centre, change, field, message):
    if change.get("held_on") == "tomorrow":
        change = {"held_on": timezone.localdate() + DAY}
    before = CounselingSession.objects.count()
    with pytest.raises(ValidationError) as refused:
        _record(city, centre, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert CounselingSession.objects.count() == before


def test_a_session_before_the_site_opened_or_after_it_closed_is_refused(city, centre):
    today = timezone.localdate()
    centre.opened_on, centre.closed_on = today - 10 * DAY, today - 2 * DAY
    centre.save()
    with pytest.raises(ValidationError, match="opened on"):
        _record(city, centre, held_on=today - 11 * DAY)
    with pytest.raises(ValidationError, match="closed on"):
        _record(city, centre, held_on=today - DAY)
    assert _record(city, centre, held_on=today - 10 * DAY).pk


def test_sessions_only_at_stations_and_centres_of_ones_own_area(city, far_centre):
    testing = Site.objects.filter(area=city.community, kind=SiteKind.CHECKPOINT).first()
    with pytest.raises(ValidationError, match="not a service station"):
        _record(city, testing)
    with pytest.raises(PermissionDenied):
        _record(city, far_centre)
    with pytest.raises(PermissionDenied):  # a grid worker sees the centre but does not record there
        _record(city, Site.objects.get(area=city.community, kind=SiteKind.SERVICE_CENTER), actor=city.users["grid"])


def test_only_who_recorded_a_session_deletes_it_and_only_within_a_day(city, centre):
    session = _record(city, centre)
    pk = session.pk
    with pytest.raises(PermissionDenied):
        stations.counseling_delete(actor=city.users["street"], session=session)
    with pytest.raises(PermissionDenied):
        stations.counseling_delete(actor=city.users["secretary"], session=session, now=timezone.now() + 2 * DAY)
    stations.counseling_delete(actor=city.users["secretary"], session=session)
    assert not CounselingSession.objects.filter(pk=pk).exists()
    assert AuditLog.objects.filter(action="delete", content_type__model="counselingsession", object_id=str(pk)).exists()


# --- secretary-hotline calls -----------------------------------------------------------------------------------

def test_a_call_stores_the_phone_and_the_audit_log_keeps_it_masked(city):
    call = stations.hotline_call_record(actor=city.users["hotline"], area=city.community, topic="询问核酸时间",
                                        caller_phone="139-1234-5678")
    assert call.caller_phone == "13912345678" and call.request is None and call.taken_by == city.users["hotline"]
    entry = AuditLog.objects.get(action="create", content_type__model="hotlinecall", object_id=str(call.pk))
    assert entry.changes["caller_phone"][1] == "139****5678"
    assert "13912345678" not in str(entry.changes)


def test_a_call_that_is_a_request_becomes_one_for_a_grid_of_the_area_and_is_linked(city):
    now = timezone.now()
    call = stations.hotline_call_record(
        actor=city.users["secretary"], area=city.community, topic="老人急需降压药", caller_phone="13912345678",
        as_request=stations.AsRequest(category="medicine", urgency="urgent", grid=city.grid), at=now - 600 * DAY / 86400,
        now=now)
    request = call.request
    assert request.channel == Channel.SECRETARY_HOTLINE and request.area == city.grid
    assert request.text == "老人急需降压药" and request.contact_phone == "13912345678"
    assert WorkOrder.objects.filter(kind="resident_request", subject_id=request.pk).exists()


@pytest.mark.parametrize("kwargs, message", [
    ({"caller_phone": "12345"}, "not a valid phone"),
    ({"topic": "<img src=x onerror=alert(1)>"}, "web code"),
    ({"at": "future"}, "in the future"),
    ({"as_request": "no grid"}, "Choose the grid"),
    ({"as_request": "far grid"}, "Choose the grid"),
])
def test_a_bad_call_is_refused_and_nothing_is_written(city, kwargs, message):
    values = {"topic": "咨询", "caller_phone": ""}
    if kwargs.get("at") == "future":
        kwargs = {"at": timezone.now() + DAY}
    if kwargs.get("as_request") == "no grid":
        kwargs = {"as_request": stations.AsRequest(category="other")}
    if kwargs.get("as_request") == "far grid":
        far = Area.objects.filter(level=AreaLevel.GRID, path__startswith=city.sibling_community.path).first()
        kwargs = {"as_request": stations.AsRequest(category="other", grid=far)}
    values.update(kwargs)
    before = (HotlineCall.objects.count(), ResidentRequest.objects.count())
    with pytest.raises(ValidationError) as refused:
        stations.hotline_call_record(actor=city.users["commander"], area=city.community, **values)
    assert message in " ".join(refused.value.messages)
    assert (HotlineCall.objects.count(), ResidentRequest.objects.count()) == before


def test_a_call_for_another_area_is_refused(city):
    with pytest.raises(PermissionDenied):
        stations.hotline_call_record(actor=city.users["secretary"], area=city.sibling_community, topic="咨询")
    with pytest.raises(PermissionDenied):
        stations.hotline_call_record(actor=city.users["grid"], area=city.grid, topic="咨询")


def test_revealing_a_callers_phone_is_audited_and_refused_to_who_may_not(city):
    call = stations.hotline_call_record(actor=city.users["hotline"], area=city.community, topic="咨询",
                                        caller_phone="13912345678")
    assert stations.hotline_call_reveal(actor=city.users["secretary"], call=call) == "13912345678"
    assert AuditLog.objects.filter(action="reveal", actor=city.users["secretary"], object_id=str(call.pk),
                                   note="caller phone").exists()
    with pytest.raises(PermissionDenied):
        stations.hotline_call_reveal(actor=city.users["cadre"], call=call)


# --- figures ---------------------------------------------------------------------------------------------------

def _period(days_back=40):
    today = timezone.localdate()
    return figures.Period(today - days_back * DAY, today)


def test_counseling_sessions_are_a_flow_on_the_day_they_were_held(city, centre):
    commander = city.users["commander"]
    period = figures.Period(timezone.localdate() - 400 * DAY, timezone.localdate() - 300 * DAY)
    before = figures.figure_table(actor=commander, area=city.street, codes=["counseling_sessions"], period=period)
    _record(city, centre, held_on=period.start)
    _record(city, centre, held_on=period.end)
    _record(city, centre, held_on=period.end + DAY)  # the day after: another period
    after = figures.figure_table(actor=commander, area=city.street, codes=["counseling_sessions"], period=period)
    assert after.total["counseling_sessions"] == before.total["counseling_sessions"] + 2
    community_row = dict((c.pk, v) for c, v in after.children)[city.community.pk]
    assert community_row["counseling_sessions"] == after.total["counseling_sessions"] - \
        sum(v["counseling_sessions"] for c, v in after.children if c.pk != city.community.pk)
    at_site = figures.site_figures(actor=commander, site=centre, codes=["counseling_sessions"], period=period)
    assert at_site["counseling_sessions"] == CounselingSession.objects.filter(
        site=centre, held_on__gte=period.start, held_on__lte=period.end).count()


def test_counseling_attendees_are_summed_where_the_registry_sums_flows(city, centre):
    if "counseling_attendees" not in [f.code for f in figures.figure_list()]:
        pytest.skip("the figures registry does not sum flows yet")
    period = figures.Period(timezone.localdate() - 400 * DAY, timezone.localdate() - 300 * DAY)
    _record(city, centre, held_on=period.start, attendees=7)
    _record(city, centre, held_on=period.end, attendees=5)
    table = figures.figure_table(actor=city.users["commander"], area=city.community, codes=["counseling_attendees"],
                                 period=period)
    assert table.total["counseling_attendees"] == 12


def test_service_sites_count_open_stations_and_centres_and_move_when_one_closes(city, centre):
    commander = city.users["commander"]

    def total():
        return figures.figure_table(actor=commander, area=city.street, codes=["service_sites"]).total["service_sites"]

    expected = Site.objects.filter(area__path__startswith=city.street.path, kind__in=stations.SERVICE_KINDS,
                                   closed_on__isnull=True).count()
    assert total() == expected > 0
    centre.closed_on = timezone.localdate()
    centre.save()
    assert total() == expected - 1
    Site.objects.create(kind=SiteKind.SERVICE_STATION, name="临时服务驿站", area=city.community,
                        opened_on=timezone.localdate())
    Site.objects.create(kind=SiteKind.CHECKPOINT, name="临时卡口", area=city.community)
    assert total() == expected
    yesterday = figures.figure_table(actor=commander, area=city.street, codes=["service_sites"],
                                     at=timezone.localdate() - DAY).total["service_sites"]
    assert yesterday == expected  # the centre was still open, the new station not yet


def test_secretary_hotline_calls_are_a_flow_where_they_were_taken(city):
    commander = city.users["commander"]
    period = figures.Period(timezone.localdate() - 400 * DAY, timezone.localdate() - 300 * DAY)
    start, _end = period.bounds()
    for area in (city.community, city.grid, city.sibling_community):
        stations.hotline_call_record(actor=commander, area=area, topic="咨询", at=start + datetime.timedelta(hours=1))
    stations.hotline_call_record(actor=commander, area=city.community, topic="咨询", at=start - datetime.timedelta(hours=1))
    table = figures.figure_table(actor=commander, area=city.street, codes=["secretary_hotline_calls"], period=period)
    assert table.total["secretary_hotline_calls"] == 3
    assert dict((c.pk, v) for c, v in table.children)[city.community.pk]["secretary_hotline_calls"] == 2


# --- the demo ---------------------------------------------------------------------------------------------------

def test_the_demo_has_services_sessions_by_phone_and_in_person_and_calls_some_of_them_requests(city, centre, station):
    demo_stations_create()
    demo_stations_create()  # twice: done once
    assert SiteService.objects.filter(site=centre).exists() and SiteService.objects.filter(site=station).exists()
    sessions = CounselingSession.objects.filter(site__in=[centre, station])
    assert sessions.count() >= 10 and {"phone", "in_person"} <= set(sessions.values_list("mode", flat=True))
    assert sessions.filter(held_on__gt=timezone.localdate()).count() == 0
    calls = HotlineCall.objects.filter(area=city.community)
    assert sessions.count() == len(SESSIONS) and calls.count() == len(CALLS)
    assert calls.count() >= 8 and 0 < calls.filter(request__isnull=False).count() < calls.count()
    assert Area.objects.get(pk=calls.filter(request__isnull=False).first().request.area_id).level == AreaLevel.GRID
