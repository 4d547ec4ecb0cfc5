"""Writes to the area tree and the places in it. Each asks the access policy, and is atomic, validated and
audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from frontline.core import policy
from frontline.core.audit import audit_create

from .models import Area, Building, Household, Site


@transaction.atomic
def area_create(*, actor, parent: Area | None, name: str, code: str) -> Area:
    # A new area below one's own, where one may correct records; a new city: the system or a superuser only.
    if parent is None and actor is not None and not actor.is_superuser:
        raise PermissionDenied
    policy.require(actor, policy.CHANGE_PEOPLE, parent)
    level = parent.child_level if parent else "city"
    if parent is not None and level is None:
        raise ValidationError({"parent": _("A grid cannot have areas below it.")})
    area = Area(name=name, code=code, level=level)
    area.full_clean(exclude=["path", "depth", "numchild"])
    area = Area.objects.add_child(parent, instance=area) if parent else Area.objects.add_root(instance=area)
    audit_create(actor, area)
    return area


@transaction.atomic
def building_create(*, actor, grid: Area, name: str, address: str = "", floors: int | None = None) -> Building:
    policy.require(actor, policy.CHANGE_PEOPLE, grid)
    if grid.level != "grid":
        raise ValidationError({"area": _("Buildings belong to a grid.")})
    building = Building(area=grid, name=name, address=address, floors=floors)
    building.full_clean()
    building.save()
    audit_create(actor, building)
    return building


@transaction.atomic
def household_create(*, actor, building: Building, room: str, unit: str = "") -> Household:
    policy.require(actor, policy.CHANGE_PEOPLE, building.area)
    household = Household(building=building, unit=unit, room=room)
    household.full_clean()
    household.save()
    audit_create(actor, household)
    return household


@transaction.atomic
def site_create(*, actor, area: Area, kind: str, name: str, address: str = "", opened_on=None) -> Site:
    policy.require(actor, policy.CHANGE_PEOPLE, area)
    site = Site(area=area, kind=kind, name=name, address=address, opened_on=opened_on)
    site.full_clean()
    site.save()
    audit_create(actor, site)
    return site
