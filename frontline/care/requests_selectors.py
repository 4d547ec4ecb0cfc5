"""Reads of residents' requests: one request (404 alike for missing and not yours), an area's requests with their
filters, the counts by category (听取意见建议X条，解决X件), the call-back queue, and finding a caller's household."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, Household
from frontline.core import policy
from frontline.core.scoping import get_for
from frontline.core.validators import normalize_building_name, normalize_phone

from .models import RequestCategory, RequestStatus, ResidentRequest
from .policy import CALL_BACK

FILTERS = ("status", "kind", "category", "urgency", "channel")
DONE = (RequestStatus.RESOLVED, RequestStatus.CLOSED)


def request_get_for(actor, pk) -> ResidentRequest:
    return get_for(ResidentRequest.objects.select_related("area", "unit", "household__building", "duplicate_of",
                                                          "taken_by"), actor, pk)


def requests_received_rows(at=None):
    """Every request taken in (a flow on `received_at`; duplicates too: each was heard)."""
    return ResidentRequest.objects.all()


def suggestions_received_rows(at=None):
    return ResidentRequest.objects.filter(kind="suggestion")


def requests_resolved_rows(at=None):
    """Requests resolved (a flow on `resolved_at`): resolved, or closed after the call-back; a reopened one
    counts again when it is resolved again."""
    return ResidentRequest.objects.filter(status__in=DONE, resolved_at__isnull=False)


def requests_open_rows(at=None):
    """Requests being handled now (a stock, not kept in history)."""
    return ResidentRequest.objects.filter(status=RequestStatus.OPEN)


def request_list(*, actor, area: Area, filters: dict | None = None, overdue: bool = False, now=None):
    """The requests of an area (its subtree) the actor may see, newest first."""
    rows = (ResidentRequest.objects.visible_to(actor).filter(area__path__startswith=area.path)
            .select_related("area", "unit", "household__building"))
    for name, value in (filters or {}).items():
        if name in FILTERS and value:
            rows = rows.filter(**{name: value})
    if overdue:
        rows = rows.filter(status=RequestStatus.OPEN, due_at__lt=now or timezone.now())
    return rows.order_by("-received_at", "-id")


@dataclass
class CategoryCount:
    category: str
    label: str
    received: int
    resolved: int
    open: int


def request_counts(*, actor, area: Area) -> tuple[list[CategoryCount], CategoryCount]:
    """By category, one grouped query: received, resolved (or closed after call-back), still open."""
    rows = (ResidentRequest.objects.visible_to(actor).filter(area__path__startswith=area.path)
            .values("category").annotate(received=Count("pk"), resolved=Count("pk", filter=Q(status__in=DONE)),
                                         open=Count("pk", filter=Q(status=RequestStatus.OPEN))).order_by())
    found = {r["category"]: r for r in rows}
    counts = [CategoryCount(value, label, found.get(value, {}).get("received", 0),
                            found.get(value, {}).get("resolved", 0), found.get(value, {}).get("open", 0))
              for value, label in RequestCategory.choices]
    total = CategoryCount("", _("All"), sum(c.received for c in counts), sum(c.resolved for c in counts),
                          sum(c.open for c in counts))
    return counts, total


def call_back_queue(*, actor):
    """Resolved requests not yet called back, where the actor calls back: the longest waiting first."""
    return (ResidentRequest.objects.restrict(actor, CALL_BACK)
            .filter(status=RequestStatus.RESOLVED, called_back_at__isnull=True)
            .select_related("area", "unit", "household__building").order_by("resolved_at", "id"))


def grids_for(actor, action: str):
    return Area.objects.restrict(actor, action).filter(level="grid").order_by("path")


def household_find(*, grid: Area, building: str = "", unit: str = "", room: str = "", phone: str = "") -> Household | None:
    """The caller's household in a grid: by building, unit and room, or by their phone matched against the
    contact phones of the household's residents. Says only "found" or why not: never who lives where."""
    building, unit, room = (building or "").strip(), (unit or "").strip(), (room or "").strip()
    if building or room:
        if not (building and room):
            raise ValidationError(_("Give both the building and the room (or only the caller's phone)."))
        names = {building, normalize_building_name(building)}
        found = list(Household.objects.filter(building__area=grid, room=room, unit=unit)
                     .filter(Q(building__name__in=names)).select_related("building")[:2])
        if len(found) != 1:
            raise ValidationError(_("%(grid)s has no room %(room)s in building %(building)s%(unit)s.")
                                  % {"grid": grid.name, "room": room, "building": building,
                                     "unit": _(", unit %(unit)s") % {"unit": unit} if unit else ""})
        return found[0]
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError:
            raise ValidationError(_("The caller's phone %(phone)s is not a valid phone number.")
                                  % {"phone": phone}) from None
        ids = list(Household.objects.filter(building__area=grid, residents__moved_out__isnull=True,
                                            residents__person__phone=phone).values_list("pk", flat=True).distinct()[:2])
        if len(ids) != 1:
            raise ValidationError(_("The caller's phone does not lead to one household of %(grid)s: give the building "
                                    "and room.") % {"grid": grid.name})
        return Household.objects.select_related("building").get(pk=ids[0])
    return None


def overdue_since(request: ResidentRequest, now: datetime.datetime | None = None) -> bool:
    return request.status == RequestStatus.OPEN and request.due_at < (now or timezone.now())


def may_take(actor) -> bool:
    return policy.allows(actor, "take_requests")
