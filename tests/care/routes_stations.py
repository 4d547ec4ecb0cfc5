"""The access matrix's entries for service stations and centres: the lists of an area (view_stations, the area in the
query), a station's page (view_stations), its services (manage_stations: the desks), recording a session
(record_service), deleting one (record_service, and only whoever recorded it within a day), the call log and its
record form (view_stations / record_service), revealing a caller's phone (view_stations, and reveal or
record_service there), and the API's site list and session recording."""

from django.utils import timezone

from frontline.areas.models import Site, SiteKind
from frontline.care.models import CounselingSession, HotlineCall, ResidentRequest, SiteService
from frontline.care.policy import RECORD_SERVICE, VIEW_STATIONS
from frontline.care.stations import (
    MANAGE_STATIONS,
    counseling_may_delete,
    counseling_record,
    hotline_call_record,
    hotline_may_reveal,
)


def _sees_stations(user, obj) -> bool:
    """Areas and sites are found through the stations' own action (hotline staff see stations, not places)."""
    return type(obj).objects.restrict(user, VIEW_STATIONS).filter(pk=obj.pk).exists()


def _pk(attr):
    return lambda o, where, user: {"pk": getattr(o[where], attr).pk}


def _in_area(extra=None):
    return lambda o, where: {"area": o[where].community.pk, **(extra or {})}


def _session_data(o, where):
    return {"held_on": timezone.localdate().isoformat(), "counsellor": "李医生", "attendees": 3, "topic": "心理调适",
            "mode": "phone"}


def entries(matrix):
    Route, _obj = matrix.Route, matrix._obj
    seen = _sees_stations
    community, centre = _obj("community"), _obj("centre")
    pages = {
        "station_list": Route(VIEW_STATIONS, target=community, data=_in_area(), visible=seen),
        "station_detail": Route(VIEW_STATIONS, _pk("centre"), centre, visible=seen),
        "station_services": Route(MANAGE_STATIONS, _pk("centre"), centre, method="post", visible=seen,
                                  data=lambda o, w: {"offer_counseling": "1", "hours_counseling": "9:00-17:00"}),
        "counseling_new": Route(RECORD_SERVICE, _pk("centre"), centre, method="post", data=_session_data, visible=seen),
        "counseling_list": Route(VIEW_STATIONS, target=community, data=_in_area({"mode": "phone"}), visible=seen),
        "counseling_delete": Route(RECORD_SERVICE, _pk("session"), _obj("session"), method="post",
                                   may=lambda user, session: counseling_may_delete(user, session)),
        "hotline_call_list": Route(VIEW_STATIONS, target=community, data=_in_area(), visible=seen),
        "hotline_call_new": Route(RECORD_SERVICE, target=community, method="post", visible=seen,
                                  data=_in_area({"topic": "咨询核酸时间", "caller_phone": "13912345678"})),
        "hotline_call_reveal": Route(VIEW_STATIONS, _pk("call"), _obj("call"), method="post",
                                     may=lambda user, call: hotline_may_reveal(user, call)),
    }
    api = {
        ("get", "/api/v1/care/areas/{area_id}/service-sites"): Route(
            VIEW_STATIONS, lambda o, w, u: {"area_id": o[w].community.pk}, community, visible=seen),
        ("post", "/api/v1/care/service-sites/{site_id}/counseling-sessions"): Route(
            RECORD_SERVICE, lambda o, w, u: {"site_id": o[w].centre.pk}, centre, method="post", data=_session_data,
            visible=seen),
    }
    return pages, api


def place(o, city):
    """Each probe community's party-masses service centre, a session recorded there by the desk of the place (the
    secretary inside, the other district's commander outside), and a call with a phone to its hotline."""
    for here, author in ((o.inside, "secretary"), (o.outside, "district2")):
        here.centre = Site.objects.filter(area=here.community, kind=SiteKind.SERVICE_CENTER).order_by("pk").first()
        if here.centre is None:
            here.centre = Site.objects.create(area=here.community, kind=SiteKind.SERVICE_CENTER, name="党群服务中心")
        here.session = counseling_record(actor=city.users[author], site=here.centre, held_on=timezone.localdate(),
                                         counsellor="王老师", attendees=2, topic="减压", mode="in_person")
        here.call = hotline_call_record(actor=city.users[author], area=here.community, topic="询问配送",
                                        caller_phone="13812345678")


def fingerprint():
    return (tuple(SiteService.objects.values_list("site_id", "service", "hours").order_by("pk")),
            CounselingSession.objects.count(), HotlineCall.objects.count(), ResidentRequest.objects.count())
