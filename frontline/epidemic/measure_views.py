"""Pages of control measures: the measures in force under an area by kind (counts, then a masked list), an
isolation site's rooms and who is in which (masked), adding rooms in bulk, assigning a bed, a measure's page
(health records, transfer, release), and the grid worker's phone list of their people under home measures
today with the day's health record. The rules are the services' (`isolation.py`)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.models import Area, Site, SiteKind
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.formfields import pk_in_range
from frontline.core.models import AuditAction, WorkOrder
from frontline.core.scoping import get_for
from frontline.core.validators import age_on

from . import isolation
from .models import ControlMeasure, IsolationRoom, MeasureKind, Result
from .policy import MANAGE_MEASURES, RECORD_HEALTH, VIEW_CASES
from .registration import mask_name


def _errors(request, e: ValidationError) -> None:
    messages.error(request, " ".join(e.messages))


def _area_for(request) -> Area:
    area_id = request.GET.get("area")
    if area_id:
        return get_for(Area, request.user, area_id)
    area = policy.home_area(request.user)
    if area is None:
        raise PermissionDenied
    return area


@policy.requires(VIEW_CASES)
def measure_home(request):
    """Measures in force under an area by kind, with a masked list of one kind (audited), and the isolation
    sites with their beds."""
    area = _area_for(request)
    if not policy.allows_in(request.user, VIEW_CASES, area) and not request.user.is_superuser:
        raise PermissionDenied
    kind = request.GET.get("kind") or ""
    if kind and kind not in MeasureKind.values:
        raise Http404
    page = None
    if kind:
        page = Paginator(isolation.measures_under(actor=request.user, area=area, kind=kind),
                         settings.FRONTLINE_PAGE_SIZE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        for m in page:
            m.masked_name, m.age = mask_name(m.person.name), age_on(m.person.birth_date, today)
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=area, note="measures listed")
    counts = isolation.measure_counts(actor=request.user, area=area)
    sites = [s for s in isolation.isolation_sites(actor=request.user) if s.area.path.startswith(area.path)
             or area.path.startswith(s.area.path)]
    return render(request, "epidemic/isolation/home.html", {
        "area": area, "breadcrumb": area_breadcrumb(actor=request.user, area=area), "kind": kind, "page": page,
        "counts": [(k, label, counts[k]) for k, label in MeasureKind.choices], "sites": sites,
        "may_record": policy.allows(request.user, RECORD_HEALTH)})


def _site_for(request, pk, action: str) -> Site:
    """An isolation site where the actor sees measures (404 alike for "missing" and "not yours"), and may do
    the action (403)."""
    site = (Site.objects.restrict(request.user, VIEW_CASES).filter(kind=SiteKind.ISOLATION, pk=pk)
            .select_related("area").first() if str(pk).isdigit() else None)
    if site is None:
        raise Http404
    if not policy.allows(request.user, action, site):
        raise PermissionDenied
    return site


@policy.requires(VIEW_CASES)
def isolation_site_detail(request, pk):
    """An isolation site: its rooms, beds, occupancy and who is in which room (masked, the view audited)."""
    site = _site_for(request, pk, VIEW_CASES)
    rooms = isolation.site_rooms(actor=request.user, site=site)
    beds = sum(r.room.beds for r in rooms if not r.room.out_of_service)
    occupied = sum(len(r.occupants) for r in rooms)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, note="isolation site viewed")
    return render(request, "epidemic/isolation/site.html", {
        "site": site, "rooms": rooms, "beds": beds, "occupied": occupied, "free": sum(r.free for r in rooms),
        "breadcrumb": area_breadcrumb(actor=request.user, area=site.area),
        "may_manage": policy.allows(request.user, MANAGE_MEASURES, site)})


@policy.requires(MANAGE_MEASURES)
@require_POST
def isolation_rooms_add(request, pk):
    site = _site_for(request, pk, MANAGE_MEASURES)
    try:
        rooms = isolation.rooms_add(actor=request.user, site=site, spec=request.POST.get("rooms", ""),
                                    beds=request.POST.get("beds"))
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("%(n)d rooms added.") % {"n": len(rooms)})
    return redirect("isolation_site_detail", pk=site.pk)


@policy.requires(MANAGE_MEASURES)
@require_POST
def isolation_room_update(request, pk):
    room = get_for(IsolationRoom.objects.select_related("site"), request.user, pk)
    if not policy.allows(request.user, MANAGE_MEASURES, room.site):
        raise PermissionDenied
    try:
        isolation.room_update(actor=request.user, room=room, beds=request.POST.get("beds") or None,
                              out_of_service=request.POST.get("out_of_service") == "1")
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Room %(room)s saved.") % {"room": room.number})
    return redirect("isolation_site_detail", pk=room.site_id)


def _room(value, site=None):
    """The room a form names (within `site` if given), or None for anything that names no room: empty, not a
    number (a tampered form), beyond any key."""
    text = str(value or "").strip()
    if not text.isdigit() or not pk_in_range(text):
        return None
    rooms = IsolationRoom.objects.filter(pk=int(text)).select_related("site")
    return (rooms.filter(site=site) if site is not None else rooms).first()


@policy.requires(MANAGE_MEASURES)
def measure_isolate_view(request, pk):
    """Assign a person a bed at this site: the person from a case or contact page (?person=…) or found by ID
    number within the actor's reach; a room chosen, or the first with a free bed."""
    site = _site_for(request, pk, MANAGE_MEASURES)
    data = request.POST if request.method == "POST" else request.GET
    person = isolation.person_for(request.user, pk=data.get("person"), id_number=data.get("id_number", ""))
    rooms = [r for r in isolation.site_rooms(actor=request.user, site=site) if r.free]
    status = 200
    if request.method == "POST" and data.get("find"):  # a search by ID number: posted, kept out of URLs and logs
        if person is None:
            messages.error(request, _("No one with this ID number among the people you may place under a measure."))
            status = 400
    elif request.method == "POST":
        room = _room(data.get("room"), site=site)
        if data.get("room") and room is None:
            messages.error(request, _("The chosen room is not one of %(site)s's rooms.") % {"site": site.name})
            status = 400
        elif person is None:
            messages.error(request, _("No one with this ID number among the people you may place under a measure."))
            status = 400
        else:
            try:
                measure = isolation.measure_isolate(actor=request.user, person=person, room=room, site=site)
            except ValidationError as e:
                _errors(request, e)
                status = 400
            else:
                messages.success(request, _("%(name)s: %(site)s room %(room)s.") % {
                    "name": mask_name(person.name), "site": site.name, "room": measure.room.number})
                return redirect("isolation_site_detail", pk=site.pk)
    elif data.get("person") and person is None:
        messages.error(request, _("No one with this ID number among the people you may place under a measure."))
    current = (ControlMeasure.objects.filter(person=person, released_at__isnull=True).select_related("room__site").first()
               if person else None)
    return render(request, "epidemic/isolation/assign.html", {
        "site": site, "person": person, "masked_name": mask_name(person.name) if person else "",
        "masked_id": isolation.masked_id(person) if person else "", "current": current, "rooms": rooms,
        "breadcrumb": area_breadcrumb(actor=request.user, area=site.area)}, status=status)


@policy.requires(VIEW_CASES)
def measure_detail(request, pk):
    """A measure: who (masked), where, since and until when, its health records, what its release still
    needs; transfer and release for who manages measures."""
    measure = get_for(ControlMeasure.objects.select_related("person", "room__site", "grid", "area"), request.user, pk)
    may_manage = policy.allows(request.user, MANAGE_MEASURES, measure)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=measure, person=measure.person)
    rooms = []
    if may_manage and measure.kind == MeasureKind.CENTRALIZED and measure.released_at is None:
        rooms = [r for r in isolation.site_rooms(actor=request.user, site=measure.room.site) if r.free]
    return render(request, "epidemic/isolation/measure.html", {
        "measure": measure, "masked_name": mask_name(measure.person.name),
        "age": age_on(measure.person.birth_date, timezone.localdate()),
        "records": measure.health_records.order_by("-day"), "negative_days": isolation.negative_days(measure),
        "missing": isolation.release_missing(measure) if measure.released_at is None else [],
        "may_manage": may_manage, "rooms": rooms,
        "may_record": isolation.health_scope(request.user).filter(pk=measure.pk).exists(),
        "breadcrumb": area_breadcrumb(actor=request.user, area=measure.area)})


def _managed_measure(request, pk) -> ControlMeasure:
    """A measure the user sees (404 alike otherwise) and may manage (403)."""
    measure = get_for(ControlMeasure, request.user, pk)
    if not policy.allows(request.user, MANAGE_MEASURES, measure):
        raise PermissionDenied
    return measure


@policy.requires(MANAGE_MEASURES)
@require_POST
def measure_transfer_view(request, pk):
    measure = _managed_measure(request, pk)
    room = _room(request.POST.get("room"))
    try:
        if room is None:
            raise ValidationError(_("Choose a room."))
        isolation.measure_transfer(actor=request.user, measure=measure, room=room)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Moved to room %(room)s.") % {"room": room.number})
    return redirect("measure_detail", pk=measure.pk)


@policy.requires(MANAGE_MEASURES)
@require_POST
def measure_release_view(request, pk):
    measure = _managed_measure(request, pk)
    try:
        isolation.measure_release_confirm(actor=request.user, measure=measure)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Released; the bed is free."))
    return redirect("measure_detail", pk=measure.pk)


@policy.requires(RECORD_HEALTH)
def health_today(request):
    """The grid worker's phone list: their people under home measures today, not yet recorded first (masked
    names, ages); the view audited."""
    today = timezone.localdate()
    rows = isolation.health_today(actor=request.user, day=today)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=None, note="measures listed")
    return render(request, "epidemic/isolation/health_today.html", {
        "rows": rows, "today": today, "done": sum(1 for r in rows if r.record)})


@policy.requires(RECORD_HEALTH)
def health_record_view(request, pk):
    """Today's health record of one person (a second one today corrects the first)."""
    measure = isolation.health_measure_get_for(request.user, pk)
    today = timezone.localdate()
    record = measure.health_records.filter(day=today).first()
    status = 200
    if request.method == "POST":
        try:
            isolation.health_record(actor=request.user, measure=measure, temperature=request.POST.get("temperature"),
                                    symptoms=request.POST.get("symptoms", ""),
                                    test_result=request.POST.get("test_result", ""))
        except ValidationError as e:
            _errors(request, e)
            status = 400
        else:
            messages.success(request, _("%(name)s: recorded for %(day)s.") % {"name": mask_name(measure.person.name),
                                                                              "day": today})
            return redirect("health_today")
    return render(request, "epidemic/isolation/health_record.html", {
        "measure": measure, "masked_name": mask_name(measure.person.name), "record": record, "today": today,
        "age": age_on(measure.person.birth_date, today), "results": Result.choices}, status=status)


@policy.requires(policy.VIEW_WORK)
def measure_release_order(request, pk):
    """A release work order's own page: the measure's, where the release is confirmed."""
    order = get_for(WorkOrder.objects.filter(kind=isolation.MEASURE_RELEASE), request.user, pk)
    return redirect("measure_detail", pk=order.subject_id)
