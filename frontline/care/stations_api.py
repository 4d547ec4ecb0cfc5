"""API: the service stations and centres of an area with their services, and recording a counseling session at one
(the services' checks and audit, as on the pages)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Router, Schema, Status

from frontline.core import policy
from frontline.core.api import ErrorOut

from .models import CounselingMode
from .policy import RECORD_SERVICE, VIEW_STATIONS
from .stations import area_get_for, counseling_record, station_get_for, station_rows, station_sites

router = Router(tags=["care: service stations"])


class ServiceOut(Schema):
    service: str
    label: str
    hours: str


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    area: str
    closed_on: datetime.date | None
    services: list[ServiceOut]
    sessions_this_month: int
    attendees_this_month: int


class CounselingIn(Schema):
    held_on: datetime.date
    counsellor: str
    attendees: int
    topic: str
    mode: CounselingMode = CounselingMode.IN_PERSON


class CounselingOut(Schema):
    id: int
    site_id: int
    held_on: datetime.date
    counsellor: str
    attendees: int
    topic: str
    mode: str


@router.get("/care/areas/{area_id}/service-sites", response={200: list[SiteOut]})
@policy.api_requires(VIEW_STATIONS)
def service_sites_api(request, area_id: int, limit: int = 100, offset: int = 0):
    """The service stations and party-masses service centres in an area (`limit` at most 500 from `offset`, in the
    order of the area tree), each with its services and hours and this month's counseling sessions and
    attendees."""
    area = area_get_for(request.auth, area_id)
    if not policy.allows(request.auth, VIEW_STATIONS, area):
        raise PermissionDenied
    return [{"id": s.pk, "name": s.name, "kind": s.kind, "area_id": s.area_id, "area": s.area.name,
             "closed_on": s.closed_on, "sessions_this_month": s.sessions, "attendees_this_month": s.attendees,
             "services": [{"service": r.service, "label": str(r.get_service_display()), "hours": r.hours}
                          for r in s.services]}
            for s in station_rows(actor=request.auth, area=area, month=timezone.localdate(), sites=list(
                station_sites(actor=request.auth, area=area)[max(offset, 0):max(offset, 0) + min(max(limit, 1), 500)]))]


@router.post("/care/service-sites/{site_id}/counseling-sessions", response={201: CounselingOut, 422: ErrorOut})
@policy.api_requires(RECORD_SERVICE)
def counseling_record_api(request, site_id: int, payload: CounselingIn):
    """Record a counseling session held at a station or centre: not in the future nor before the site opened,
    1 to 10,000 attendees, a counsellor and a topic in plain text."""
    site = station_get_for(request.auth, site_id)
    if not policy.allows(request.auth, RECORD_SERVICE, site):
        raise PermissionDenied
    try:
        session = counseling_record(actor=request.auth, site=site, held_on=payload.held_on,
                                    counsellor=payload.counsellor, attendees=payload.attendees, topic=payload.topic,
                                    mode=payload.mode)
    except ValidationError as e:
        return Status(422, {"detail": e.messages,
                            "errors": [{"field": k, "reason": " ".join(v)} for k, v in e.message_dict.items()]
                            if hasattr(e, "error_dict") else None})
    return Status(201, {"id": session.pk, "site_id": site.pk, "held_on": session.held_on,
                        "counsellor": session.counsellor, "attendees": session.attendees, "topic": session.topic,
                        "mode": session.mode})
