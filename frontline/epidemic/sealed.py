"""Who lives in a sealed zone (封控区) now: the one rule a gate, the door-to-door service and the lists read.
A zone covers an area's subtree, or one building."""

from django.db.models import Q
from django.utils import timezone

from .models import ControlZone, ZoneLevel


def sealed_zones(now=None):
    now = now or timezone.now()
    return ControlZone.objects.filter(level=ZoneLevel.SEALED, starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def _households_q(now=None, prefix: str = "") -> Q | None:
    """Households under a sealed zone, as a filter on `prefix` + household (None: no sealed zone anywhere)."""
    q = None
    for path, building in sealed_zones(now).values_list("area__path", "building_id"):
        one = (Q(**{f"{prefix}building_id": building}) if building
               else Q(**{f"{prefix}building__area__path__startswith": path}))
        q = one if q is None else q | one
    return q


def sealed_households(area=None, now=None):
    """The households in sealed zones (under `area`): marked for door-to-door service."""
    from frontline.areas.models import Household

    q = _households_q(now)
    if q is None:
        return Household.objects.none()
    rows = Household.objects.filter(q)
    return rows.filter(building__area__path__startswith=area.path) if area is not None else rows


def people_in_sealed_zones(person_ids, now=None) -> set[int]:
    """Of these people, those living in a sealed zone now (stopped at any gate)."""
    from frontline.people.models import Resident

    q = _households_q(now, "household__")
    if q is None or not person_ids:
        return set()
    return set(Resident.objects.filter(q, person_id__in=list(person_ids), moved_out__isnull=True)
               .values_list("person_id", flat=True))
