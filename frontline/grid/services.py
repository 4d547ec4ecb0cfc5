"""Writes for the grid: roles of the "two heads and one member", contact households."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, Building, Household
from frontline.core.audit import audit_bulk_create, audit_create, audit_update, snapshot
from frontline.people.models import PartyMember

from .models import ContactHousehold, GridRole, GridRoleKind


@transaction.atomic
def grid_role_assign(*, actor, kind: str, member: PartyMember, grid: Area, building: Building | None = None,
                     street_name: str = "", started_on: datetime.date | None = None) -> GridRole:
    """Make a party member a building head, street head or red grid member. A building's previous
    head steps down the day the new one starts."""
    if grid.level != "grid":
        raise ValidationError({"area": _("Grid roles belong to a grid.")})
    if building is not None and building.area_id != grid.pk:
        raise ValidationError({"building": _("The building is not in this grid.")})
    if member.left_on is not None:
        raise ValidationError({"member": _("%(person)s is no longer a party member here.") % {"person": member.person}})
    started_on = started_on or timezone.localdate()
    if kind == GridRoleKind.BUILDING_HEAD and building is not None:
        for previous in GridRole.objects.select_for_update().filter(kind=kind, building=building, ended_on__isnull=True):
            grid_role_end(actor=actor, role=previous, ended_on=started_on)
    role = GridRole(kind=kind, member=member, area=grid, building=building, street_name=street_name.strip(),
                    started_on=started_on)
    role.full_clean()
    role.save()
    audit_create(actor, role, person=member.person)
    return role


@transaction.atomic
def grid_role_end(*, actor, role: GridRole, ended_on: datetime.date | None = None) -> GridRole:
    before = snapshot(role)
    role.ended_on = ended_on or timezone.localdate()
    role.full_clean()
    role.save(update_fields=["ended_on"])
    audit_update(actor, role, before, person=role.member.person)
    return role


@transaction.atomic
def contact_households_assign(*, actor, grid: Area, pairs: list[tuple[int, int]], max_per_member: int) -> list[ContactHousehold]:
    """Assign (household id, party member id) pairs of one grid, as proposed and reviewed.

    Every pair is checked again here (the proposal may be stale): the household is in the grid and
    has no contact member, the member is a current member living or organized in the grid, and no
    member goes over the maximum. All pairs are written or none.
    """
    household_ids = [h for h, _m in pairs]
    if len(set(household_ids)) != len(household_ids):
        raise ValidationError(_("A household appears twice in the assignment."))
    households = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=household_ids, building__area=grid)}
    taken = set(ContactHousehold.objects.filter(household_id__in=household_ids, ended_on__isnull=True)
                .values_list("household_id", flat=True))
    members = {m.pk: m for m in eligible_members(grid).filter(pk__in={m for _h, m in pairs}).select_related("person")}
    load = current_loads(list(members))
    errors = []
    for household_id, member_id in pairs:
        if household_id not in households:
            errors.append(_("Household %(id)s is not in %(grid)s.") % {"id": household_id, "grid": grid})
        elif household_id in taken:
            errors.append(_("%(household)s already has a contact member.") % {"household": households[household_id]})
        if member_id not in members:
            errors.append(_("Party member %(id)s cannot take contact households in %(grid)s.") % {"id": member_id, "grid": grid})
        else:
            load[member_id] = load.get(member_id, 0) + 1
            if load[member_id] == max_per_member + 1:
                errors.append(_("%(person)s would have more than %(max)d contact households.")
                              % {"person": members[member_id].person, "max": max_per_member})
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    rows = ContactHousehold.objects.bulk_create(
        [ContactHousehold(member=members[m], household=households[h], started_on=today) for h, m in pairs])
    audit_bulk_create(actor, rows, person_of=lambda row: row.member.person)
    return rows


def eligible_members(grid: Area):
    """Current, non-floating party members who live in the grid or belong to its branch."""
    return PartyMember.objects.filter(left_on__isnull=True, floating=False).filter(
        Q(org__area=grid) | Q(person__residences__moved_out__isnull=True, person__residences__household__building__area=grid)
    ).distinct()


def current_loads(member_ids) -> dict[int, int]:
    return dict(ContactHousehold.objects.filter(member_id__in=member_ids, ended_on__isnull=True)
                .values("member").annotate(n=Count("id")).values_list("member", "n"))
