"""The checkpoints' pages' reads and their one write of their own (卡口): which checkpoint sites an account may
see or record at (an area's desks by place, checkpoint staff at the site of their duty), today's flow and stops
at them, a staff's recent scans, and opening a checkpoint site. Scans themselves are written by `scans.py`."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, AreaLevel, Site, SiteKind
from frontline.core import policy
from frontline.core.audit import audit_create
from frontline.core.validators import age_on

from .checkpoints import CHECKPOINT_KINDS
from .models import CheckpointPost, CheckpointScan, CodeColour, Direction, StopReason, _checkpoint_site_q
from .policy import CHECKPOINT_SITE, MANAGE_CHECKPOINTS
from .registration import mask_name

SHIFT_HOURS = 12  # "this shift": the staff's own scans at the site over the last hours
RECENT_ROWS = 15
STOP_ROWS = 300  # today's stops listed on a checkpoint's page (the count above says how many in all)
SITE_ROWS = 500


def checkpoint_sites(actor, action: str):
    """The open checkpoint and traffic-point sites where the actor may do `action`: an area's desks by place,
    checkpoint staff at the site of their duty (the policy's `checkpoint_site` scope, read from the posting)."""
    q = policy.scope_q(Site, actor, action)
    for assignment in policy.assignments(actor):
        if policy.scope_of(assignment.role, action) == CHECKPOINT_SITE:
            q |= _checkpoint_site_q(assignment, "pk") or Q(pk__in=[])
    return (Site.objects.filter(q, kind__in=CHECKPOINT_KINDS, closed_on__isnull=True)
            .select_related("area").order_by("area__path", "name", "pk"))


def checkpoint_get_for(actor, action: str, pk) -> Site:
    """One checkpoint site the actor may do `action` at, or 404 alike for "missing" and "not yours"."""
    try:
        return checkpoint_sites(actor, action).get(pk=pk)
    except (Site.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reason_labels(reasons: str) -> list[str]:
    labels = []
    for code in filter(None, (reasons or "").split(",")):
        try:
            labels.append(str(StopReason(code).label))
        except ValueError:
            labels.append(code)
    return labels


def flow_today(site_ids, day: datetime.date | None = None) -> dict[int, dict]:
    """{site id: {"in", "out", "stops"}} for the day: people let in, let out, and stopped (refused either way)."""
    day = day or timezone.localdate()
    rows = (CheckpointScan.objects.filter(day=day, site_id__in=list(site_ids)).values("site_id")
            .annotate(came_in=Count("id", filter=Q(passed=True, direction="in")),
                      went_out=Count("id", filter=Q(passed=True, direction="out")),
                      stops=Count("id", filter=Q(passed=False))))
    return {r["site_id"]: {"in": r["came_in"], "out": r["went_out"], "stops": r["stops"]} for r in rows}


def direction_label(direction: str) -> str:
    return _("Coming in") if direction == Direction.IN else _("Going out")


def colour_label(colour: str) -> str:
    return {CodeColour.GREEN: _("Green code"), CodeColour.YELLOW: _("Yellow code"),
            CodeColour.RED: _("Red code")}.get(colour, colour)


def _row(scan, today) -> dict:
    person = scan.person
    return {"at": scan.scanned_at, "direction": direction_label(scan.direction), "passed": scan.passed,
            "reasons": reason_labels(scan.reasons), "name": mask_name(person.name) if person else "—",
            "age": age_on(person.birth_date, today) if person else None, "colour": scan.code_colour,
            "colour_label": colour_label(scan.code_colour), "temperature": scan.temperature,
            "itinerary": scan.itinerary_flag}


def stops_today(site: Site, day: datetime.date | None = None) -> list[dict]:
    """Today's stops at the site, latest first: masked name, age, reasons, time, direction."""
    day = day or timezone.localdate()
    scans = (CheckpointScan.objects.filter(site=site, day=day, passed=False).select_related("person")
             .order_by("-scanned_at", "-id")[:STOP_ROWS])
    return [_row(s, day) for s in scans]


def recent_scans(site: Site, staff, now: datetime.datetime | None = None) -> list[dict]:
    """The staff's own scans at the site during this shift (the last hours), latest first, masked."""
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=SHIFT_HOURS)
    days = {timezone.localdate(since), timezone.localdate(now)}
    scans = (CheckpointScan.objects.filter(site=site, staff=staff, day__in=days, scanned_at__gte=since)
             .select_related("person").order_by("-scanned_at", "-id")[:RECENT_ROWS])
    today = timezone.localdate(now)
    return [_row(s, today) for s in scans]


def posts_current(site: Site):
    return (CheckpointPost.objects.filter(site=site, ended_at__isnull=True).select_related("user", "assignment")
            .order_by("created_at", "pk"))


def post_candidates(*, actor, site: Site):
    """Accounts the actor manages with an assignment in force at or under the site's community, not on duty
    there now: whom a checkpoint may be staffed with."""
    from frontline.core.accounts import accounts_managed
    from frontline.core.models import Assignment

    place = site.area
    if place.level == AreaLevel.GRID:
        place = Area.objects.get_parent(place) or place
    in_place = Assignment.objects.current().filter(area__path__startswith=place.path).values("user_id")
    on_duty = CheckpointPost.objects.filter(site=site, ended_at__isnull=True).values("user_id")
    return accounts_managed(actor=actor).filter(is_active=True, pk__in=in_place).exclude(pk__in=on_duty)


def checkpoint_areas(actor):
    """Communities and grids where the actor may open a checkpoint (their place's, first ones first)."""
    q = Q(pk__in=[])
    for assignment in policy.assignments(actor):
        if assignment.area_id and policy.scope_of(assignment.role, MANAGE_CHECKPOINTS) == policy.AREA:
            q |= Q(path__startswith=assignment.area.path)
    if getattr(actor, "is_superuser", False):
        q = Q()
    return Area.objects.filter(q, level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]).order_by("path")


def checkpoint_site_create(*, actor, area: Area, name: str, kind: str = SiteKind.CHECKPOINT,
                           address: str = "") -> Site:
    """A new checkpoint (卡口, at a compound's gate) or traffic point (交通卡点) at an area of the actor's place."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the checkpoint a name.")})
    if kind not in CHECKPOINT_KINDS:
        raise ValidationError({"kind": _("A checkpoint is a compound gate or a traffic point.")})
    if actor is not None and not policy.allows_in(actor, MANAGE_CHECKPOINTS, area):
        raise ValidationError({"area": _("%(area)s is outside your area.") % {"area": area.name}})
    if Site.objects.filter(area=area, kind=kind, name=name[:100], closed_on__isnull=True).exists():
        raise ValidationError({"name": _("%(area)s already has a checkpoint named %(name)s.")
                               % {"area": area.name, "name": name}})
    site = Site(kind=kind, name=name[:100], area=area, address=(address or "").strip()[:200],
                opened_on=timezone.localdate())
    site.full_clean()
    site.save()
    audit_create(actor, site)
    return site
