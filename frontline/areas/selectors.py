"""Reads about areas and places, always through the actor's scope."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr

from frontline.core.scoping import get_for
from frontline.people.models import PartyMember, Resident

from .models import Area, Building, Household


def area_get_for(actor, pk) -> Area:
    return get_for(Area, actor, pk)


def building_get_for(actor, pk) -> Building:
    return get_for(Building.objects.select_related("area"), actor, pk)


def household_get_for(actor, pk) -> Household:
    return get_for(Household.objects.select_related("building__area"), actor, pk)


def areas_with_parent_id(areas):
    """Annotate each area with its parent's id in the same query (the parent's path is one step shorter)."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Area.steplen)
    return areas.annotate(parent_id=Subquery(Area.objects.filter(path=parent_path).values("pk")[:1]))


def area_breadcrumb(*, actor, area: Area) -> list[tuple[Area, bool]]:
    """Ancestors down to the area, each flagged with whether the actor may open it."""
    chain = list(Area.objects.get_ancestors(area)) + [area]
    visible = set(Area.objects.visible_to(actor).filter(pk__in=[a.pk for a in chain]).values_list("pk", flat=True))
    return [(a, a.pk in visible) for a in chain]


@dataclass
class Counts:
    households: int = 0
    residents: int = 0
    party_members: int = 0


@dataclass
class AreaCounts:
    total: Counts
    children: list[tuple[object, Counts]] = field(default_factory=list)


def count_by(qs, field_name: str, prefix_length: int | None = None) -> dict:
    """Row counts by a field, or by the first `prefix_length` characters of an area path (one query)."""
    if prefix_length is not None:
        qs, field_name = qs.annotate(k=Substr(field_name, 1, prefix_length)), "k"
    return dict(qs.values(field_name).annotate(n=Count("id")).values_list(field_name, "n"))


def area_counts(*, actor, area: Area) -> AreaCounts:
    """Households, current residents and party members under each child of an area (or each
    building of a grid), counted from the rows: three grouped queries whatever the number of children."""
    if area.level == "grid":
        buildings = list(Building.objects.visible_to(actor).filter(area=area).order_by("name"))
        hh = dict(Household.objects.filter(building__area=area).values("building").annotate(n=Count("id"))
                  .values_list("building", "n"))
        res = dict(Resident.objects.filter(household__building__area=area, moved_out__isnull=True)
                   .values("household__building").annotate(n=Count("id")).values_list("household__building", "n"))
        children = [(b, Counts(hh.get(b.pk, 0), res.get(b.pk, 0))) for b in buildings]
        members = PartyMember.objects.filter(left_on__isnull=True).filter(PartyMember.scope_for_area(area)).count()
        total = Counts(sum(c.households for _, c in children), sum(c.residents for _, c in children), members)
        return AreaCounts(total=total, children=children)

    length = (area.depth + 1) * Area.steplen
    prefix = area.path
    hh = count_by(Household.objects.filter(building__area__path__prefix=prefix), "building__area__path", length)
    res = count_by(Resident.objects.filter(moved_out__isnull=True, household__building__area__path__prefix=prefix),
                   "household__building__area__path", length)
    pm = count_by(PartyMember.objects.filter(left_on__isnull=True, org__area__path__prefix=prefix),
                  "org__area__path", length)
    children = [(c, Counts(hh.get(c.path, 0), res.get(c.path, 0), pm.get(c.path, 0)))
                for c in Area.objects.get_children(area).visible_to(actor).order_by("code")]
    own_members = PartyMember.objects.filter(left_on__isnull=True, org__area=area).count()
    total = Counts(sum(hh.values()), sum(res.values()), sum(pm.values()) + own_members)
    return AreaCounts(total=total, children=children)


def household_residents(*, actor, household: Household):
    return (Resident.objects.visible_to(actor).filter(household=household, moved_out__isnull=True)
            .select_related("person").order_by("relation", "person__birth_date"))


def building_households(*, actor, building: Building):
    return (Household.objects.visible_to(actor).filter(building=building)
            .annotate(resident_count=Count("residents", filter=Q(residents__moved_out__isnull=True)))
            .order_by("unit", "room"))
