"""Service stations and party-masses service centres (服务驿站、党群服务中心): the services each offers and when,
the counseling sessions held there (心理疏导), and the calls to the secretaries' hotlines (书记热线), some of which
become residents' requests. Writes are services (policy first, checked, audited, atomic); reads take the actor.

Keeping a site's services is its own action (`manage_stations`, the desks of the area): `record_service` is also
the hotline staff's, who take calls but have no say over what a centre offers, and no other action means "keep a
site's offer". A counseling session can be deleted by whoever recorded it, within a day of recording it (a typing
mistake is corrected at once); after that, or by anyone else, it stays: the figures it fed were reported."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from frontline.areas.models import Area, AreaLevel, Site, SiteKind
from frontline.core import policy
from frontline.core.audit import audit_create, audit_record, audit_update, diff, snapshot
from frontline.core.models import AuditAction
from frontline.core.validators import mask_phone, normalize_phone

from .models import (
    Channel,
    CounselingMode,
    CounselingSession,
    HotlineCall,
    RequestCategory,
    RequestKind,
    SiteService,
    StationService,
    Urgency,
)
from .policy import RECORD_SERVICE, VIEW_STATIONS
from .requests import request_submit
from .text import clean_text

MANAGE_STATIONS = policy.action("manage_stations", gettext_lazy("keep the services and hours of service stations "
                                                                "and centres"), "care", 183)
SERVICE_KINDS = (SiteKind.SERVICE_STATION, SiteKind.SERVICE_CENTER)
MAX_ATTENDEES = 10_000
DELETE_WITHIN = datetime.timedelta(days=1)
CLOCK_SKEW = datetime.timedelta(minutes=5)  # a desk's clock a little ahead is not "the future"


def service_sites(queryset=None):
    return (queryset if queryset is not None else Site.objects.all()).filter(kind__in=SERVICE_KINDS)


def _check_kind(site: Site) -> None:
    if site.kind not in SERVICE_KINDS:
        raise ValidationError(_("%(site)s is not a service station or a party-masses service centre.")
                              % {"site": site.name})


# --- services offered -------------------------------------------------------------------------------------------

@transaction.atomic
def site_services_set(*, actor, site: Site, services: dict[str, str]) -> list[SiteService]:
    """The services the site offers (code → opening hours, "" for none given): those left out are removed."""
    policy.require(actor, MANAGE_STATIONS, site)
    _check_kind(site)
    wanted = {}
    for code, hours in services.items():
        if code not in StationService.values:
            raise ValidationError(_("%(site)s: %(service)s is not a service a station offers.")
                                  % {"site": site.name, "service": code})
        label = StationService(code).label
        wanted[code] = clean_text(hours, max_length=60, field=_("Opening hours of %(service)s") % {"service": label})
    existing = {s.service: s for s in SiteService.objects.filter(site=site)}
    for code, row in existing.items():
        if code not in wanted:
            audit_record(actor=actor, action=AuditAction.DELETE, obj=row, changes=diff(snapshot(row), {}))
            row.delete()
    for code, hours in wanted.items():
        row = existing.get(code)
        if row is None:
            row = SiteService(site=site, service=code, hours=hours)
            row.full_clean()
            row.save()
            audit_create(actor, row)
        elif row.hours != hours:
            before = snapshot(row)
            row.hours = hours
            row.full_clean()
            row.save(update_fields=["hours"])
            audit_update(actor, row, before)
    return list(SiteService.objects.filter(site=site).order_by("service"))


# --- counseling sessions ----------------------------------------------------------------------------------------

def _attendees(value) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = None
    if n is None or not 1 <= n <= MAX_ATTENDEES:
        raise ValidationError({"attendees": _("Attendees: a number from 1 to %(most)s, not %(value)s.")
                               % {"most": f"{MAX_ATTENDEES:,}", "value": value}})
    return n


@transaction.atomic
def counseling_record(*, actor, site: Site, held_on: datetime.date, counsellor: str, attendees: int, topic: str,
                      mode: str = CounselingMode.IN_PERSON, today: datetime.date | None = None) -> CounselingSession:
    """A counseling session held at (or from) a service station or centre: not in the future, not before the site
    opened nor after it closed, 1 to 10,000 attendees, a counsellor and a topic in plain text."""
    policy.require(actor, RECORD_SERVICE, site)
    _check_kind(site)
    today = today or timezone.localdate()
    errors = {}
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = _("Give the date the session was held.")
    elif held_on > today:
        errors["held_on"] = _("The date %(date)s is in the future: record a session once it has been held.") % {
            "date": held_on.isoformat()}
    elif site.opened_on and held_on < site.opened_on:
        errors["held_on"] = _("%(site)s opened on %(opened)s: a session on %(date)s was not held there.") % {
            "site": site.name, "opened": site.opened_on.isoformat(), "date": held_on.isoformat()}
    elif site.closed_on and held_on > site.closed_on:
        errors["held_on"] = _("%(site)s closed on %(closed)s: a session on %(date)s was not held there.") % {
            "site": site.name, "closed": site.closed_on.isoformat(), "date": held_on.isoformat()}
    try:
        attendees = _attendees(attendees)
    except ValidationError as e:
        errors.update(e.message_dict)
    texts = {}
    for name, label, most in (("counsellor", pgettext("station", "Counsellor"), 50),
                              ("topic", pgettext("station", "Topic"), 200)):
        try:
            texts[name] = clean_text(counsellor if name == "counsellor" else topic, max_length=most, field=label,
                                     required=True)
        except ValidationError as e:
            errors[name] = e.messages
    if mode not in CounselingMode.values:
        errors["mode"] = _("Choose how the session was held: in person, by phone or online.")
    if errors:
        raise ValidationError(errors)
    session = CounselingSession(site=site, held_on=held_on, counsellor=texts["counsellor"], attendees=attendees,
                                topic=texts["topic"], mode=mode, recorded_by=actor)
    session.full_clean()
    session.save()
    audit_create(actor, session)
    return session


def counseling_may_delete(actor, session: CounselingSession, now: datetime.datetime | None = None) -> bool:
    """Whoever recorded it, within a day of recording it, while they may still record there."""
    now = now or timezone.now()
    return (actor is not None and session.recorded_by_id == actor.pk and now - session.recorded_at <= DELETE_WITHIN
            and policy.allows(actor, RECORD_SERVICE, session))


@transaction.atomic
def counseling_delete(*, actor, session: CounselingSession, now: datetime.datetime | None = None) -> None:
    policy.require(actor, RECORD_SERVICE, session)
    if not counseling_may_delete(actor, session, now):
        raise PermissionDenied(_("Only whoever recorded a session may delete it, within a day of recording it."))
    audit_record(actor=actor, action=AuditAction.DELETE, obj=session, changes=diff(snapshot(session), {}))
    session.delete()


# --- secretary-hotline calls ------------------------------------------------------------------------------------

@dataclass
class AsRequest:
    """A call that is a request: what the base's intake needs (the grid it concerns, if the call's area is above
    one)."""

    category: str
    kind: str = RequestKind.APPEAL
    urgency: str = Urgency.NORMAL
    grid: Area | None = None
    text: str = ""


def _phone(raw: str) -> str:
    if not (raw or "").strip():
        return ""
    try:
        return normalize_phone(raw)
    except ValidationError:
        raise ValidationError({"caller_phone": _("The caller's phone %(phone)s is not a valid phone number.")
                               % {"phone": raw}}) from None


@transaction.atomic
def hotline_call_record(*, actor, area: Area, topic: str, at: datetime.datetime | None = None, caller_phone: str = "",
                        as_request: AsRequest | None = None, now: datetime.datetime | None = None) -> HotlineCall:
    """A call to the secretary hotline of an area; if it is a request, the request is taken in (channel
    secretary_hotline) for a grid of the area and linked to the call."""
    policy.require(actor, RECORD_SERVICE, area)
    now = now or timezone.now()
    at = at or now
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": _("The call's time %(at)s is in the future.")
                               % {"at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")}})
    if at.year < 2000:
        raise ValidationError({"at": _("The call's time must be after the year 2000.")})
    topic = clean_text(topic, max_length=200, field=_("Topic of the call"), required=True)
    phone = _phone(caller_phone)
    request = None
    if as_request is not None:
        grid = as_request.grid or (area if area.level == AreaLevel.GRID else None)
        if grid is None or grid.level != AreaLevel.GRID or not grid.path.startswith(area.path):
            raise ValidationError({"grid": _("Choose the grid of %(area)s the request is about.") % {"area": area.name}})
        if as_request.category not in RequestCategory.values:
            raise ValidationError({"category": _("Choose what the request is about.")})
        request = request_submit(actor=actor, grid=grid, kind=as_request.kind, channel=Channel.SECRETARY_HOTLINE,
                                 category=as_request.category, urgency=as_request.urgency,
                                 text=as_request.text or topic, contact_phone=phone, now=at)
    call = HotlineCall(area=area, at=at, taken_by=actor, caller_phone=phone, topic=topic, request=request)
    call.full_clean()
    call.save()
    changes = diff({}, snapshot(call))
    if phone:  # the log must not become a second copy of the phone
        changes["caller_phone"] = [None, mask_phone(phone)]
    audit_record(actor=actor, action=AuditAction.CREATE, obj=call, changes=changes)
    return call


def hotline_may_reveal(actor, call: HotlineCall) -> bool:
    """The phone in full: who may reveal identifiers there, or take such calls there (to call back). From the
    actor's assignments alone (no query: asked for every row of the call log)."""
    return bool(call.caller_phone) and (policy.allows_in(actor, policy.REVEAL, call.area)
                                        or policy.allows_in(actor, RECORD_SERVICE, call.area))


def hotline_call_reveal(*, actor, call: HotlineCall) -> str:
    if not hotline_may_reveal(actor, call):
        raise PermissionDenied
    audit_record(actor=actor, action=AuditAction.REVEAL, obj=call, note="caller phone")
    return call.caller_phone


# --- reads ------------------------------------------------------------------------------------------------------

def month_period(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def station_sites(*, actor, area: Area):
    """The stations and centres in the area where the actor may see stations, in the order of the tree."""
    return (service_sites(Site.objects.restrict(actor, VIEW_STATIONS)).filter(area__path__startswith=area.path)
            .select_related("area").order_by("area__path", "kind", "name", "pk"))


def station_rows(*, actor, area: Area, month: datetime.date, sites: list[Site] | None = None) -> list[Site]:
    """The stations and centres in the area (or `sites`, a page of them), each with its services (`services`) and
    the month's sessions (`sessions`) and attendees (`attendees`): three queries whatever their number."""
    sites = list(station_sites(actor=actor, area=area)) if sites is None else sites
    ids = [s.pk for s in sites]
    services: dict[int, list[SiteService]] = {}
    for row in SiteService.objects.filter(site_id__in=ids).order_by("service"):
        services.setdefault(row.site_id, []).append(row)
    start, end = month_period(month)
    counts = {row["site_id"]: row for row in CounselingSession.objects.filter(
        site_id__in=ids, held_on__gte=start, held_on__lte=end).values("site_id").annotate(
        n=Count("pk"), people=Sum("attendees")).order_by()}
    for site in sites:
        site.services = services.get(site.pk, [])
        site.sessions = counts.get(site.pk, {}).get("n", 0)
        site.attendees = counts.get(site.pk, {}).get("people", 0) or 0
    return sites


def station_get_for(actor, pk) -> Site:
    """A station or centre where the actor may see stations (404 alike for missing, not theirs, or another kind of
    site). Hotline staff see stations, not the places of the area in general: the stations' own action decides."""
    try:
        return service_sites(Site.objects.restrict(actor, VIEW_STATIONS)).select_related("area").get(pk=pk)
    except (Site.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def area_get_for(actor, pk) -> Area:
    """An area where the actor may see stations, calls and sessions (404 alike for missing and not theirs)."""
    try:
        return Area.objects.restrict(actor, VIEW_STATIONS).get(pk=pk)
    except (Area.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def counseling_list(*, actor, area: Area, start: datetime.date, end: datetime.date, site: Site | None = None,
                    mode: str = ""):
    rows = (CounselingSession.objects.visible_to(actor).filter(site__area__path__startswith=area.path,
                                                               held_on__gte=start, held_on__lte=end)
            .select_related("site", "recorded_by").order_by("-held_on", "-pk"))
    if site is not None:
        rows = rows.filter(site=site)
    if mode:
        rows = rows.filter(mode=mode)
    return rows


def counseling_totals(rows) -> dict:
    totals = rows.aggregate(sessions=Count("pk"), attendees=Sum("attendees"),
                            phone=Count("pk", filter=Q(mode=CounselingMode.PHONE)))
    totals["attendees"] = totals["attendees"] or 0
    return totals


def hotline_calls(*, actor, area: Area):
    return (HotlineCall.objects.visible_to(actor).filter(area__path__startswith=area.path)
            .select_related("area", "taken_by", "request").order_by("-at", "-pk"))
