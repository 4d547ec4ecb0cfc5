"""API: areas and households."""

from django.db.models import Count, Q
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from frontline.core.scoping import get_for
from frontline.people.api import ResidentOut

from .models import Area, Household
from .selectors import area_counts, area_get_for, areas_with_parent_id, household_get_for, household_residents

router = Router(tags=["areas"])


class AreaOut(Schema):
    id: int
    name: str
    level: str
    code: str
    parent_id: int | None = None


class CountsOut(Schema):
    households: int
    residents: int
    party_members: int


class AreaDetailOut(AreaOut):
    counts: CountsOut


class HouseholdRef(Schema):
    """A household by its address (select_related("building") keeps it to one query per page)."""

    id: int
    area_id: int
    building_id: int
    building: str
    unit: str
    room: str

    @staticmethod
    def resolve_area_id(obj):
        return obj.building.area_id

    @staticmethod
    def resolve_building(obj):
        return obj.building.name


class HouseholdOut(HouseholdRef):
    resident_count: int


class HouseholdDetailOut(HouseholdOut):
    residents: list[ResidentOut] = Field(..., alias="current_residents")


@router.get("/areas", response=list[AreaOut])
@paginate
def area_list(request, parent: int | None = None, level: str | None = None):
    areas = areas_with_parent_id(Area.objects.visible_to(request.auth)).order_by("path")
    if parent is not None:
        p = area_get_for(request.auth, parent)
        areas = areas.filter(path__prefix=p.path, depth=p.depth + 1)
    if level:
        areas = areas.filter(level=level)
    return areas


@router.get("/areas/{area_id}", response=AreaDetailOut)
def area_detail(request, area_id: int):
    area = get_for(areas_with_parent_id(Area.objects.all()), request.auth, area_id)
    area.counts = area_counts(actor=request.auth, area=area).total
    return area


def _households(actor):
    return (Household.objects.visible_to(actor).select_related("building")
            .annotate(resident_count=Count("residents", filter=Q(residents__moved_out__isnull=True))))


@router.get("/households", response=list[HouseholdOut])
@paginate
def household_list(request, area: int | None = None):
    households = _households(request.auth).order_by("id")
    if area is not None:
        households = households.filter(building__area__path__prefix=area_get_for(request.auth, area).path)
    return households


@router.get("/households/{household_id}", response=HouseholdDetailOut)
def household_detail(request, household_id: int):
    household = household_get_for(request.auth, household_id)
    household.current_residents = list(household_residents(actor=request.auth, household=household))
    household.resident_count = len(household.current_residents)
    return household
