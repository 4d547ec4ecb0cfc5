"""Reads about areas and places, always through the actor's scope."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr

from frontline.core.scoping import get_for

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


def count_by(qs, field_name: str, prefix_length: int | None = None, measure=None) -> dict:
    """Row counts (or `measure`, an aggregate such as a Sum) by a field, or by the first `prefix_length`
    characters of an area path (one query)."""
    if prefix_length is not None:
        qs, field_name = qs.annotate(k=Substr(field_name, 1, prefix_length)), "k"
    # No ordering: a model's default one (a tree's path) would join the GROUP BY and split the groups.
    return dict(qs.order_by().values(field_name).annotate(n=measure or Count("id")).values_list(field_name, "n"))


def building_households(*, actor, building: Building):
    return (Household.objects.visible_to(actor).filter(building=building)
            .annotate(resident_count=Count("residents", filter=Q(residents__moved_out__isnull=True)))
            .order_by("unit", "room"))
