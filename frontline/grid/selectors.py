"""Reads for the grid: the chain and its gaps, contact coverage, the proposed assignment."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr

from frontline.areas.models import Area, Building, Household
from frontline.people.models import PartyMember, PartyOrg

from .assignment import balanced_assignment
from .models import ContactHousehold, GridRole, GridRoleKind
from .services import current_loads, eligible_members


def _has_contact():
    return Exists(ContactHousehold.objects.filter(household=OuterRef("pk"), ended_on__isnull=True))


@dataclass
class BuildingLink:
    building: Building
    heads: list[GridRole]
    households: int
    uncontacted: int


@dataclass
class GridChain:
    grid: Area
    community_org: PartyOrg | None
    branch: PartyOrg | None
    grid_members: list[GridRole]
    street_heads: list[GridRole]
    buildings: list[BuildingLink]
    members: list[tuple[PartyMember, int]] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(b.households for b in self.buildings)

    @property
    def uncontacted(self) -> int:
        return sum(b.uncontacted for b in self.buildings)

    @property
    def buildings_without_head(self) -> list[Building]:
        return [b.building for b in self.buildings if not b.heads]


def grid_chain(*, actor, grid: Area) -> GridChain:
    """社区党组织 → 网格党支部 → 两长一员 → 党员联系户 for one grid, with its gaps."""
    community = Area.objects.get_parent(grid)
    orgs = {o.area_id: o for o in PartyOrg.objects.filter(area__in=[grid, community], temporary=False,
                                                           dissolved_on__isnull=True).order_by("depth")}
    branch = orgs.get(grid.pk)
    roles = list(GridRole.objects.visible_to(actor).filter(area=grid, ended_on__isnull=True)
                 .select_related("member__person", "building").order_by("kind", "building__name", "id"))
    counts = {row["building"]: row for row in Household.objects.filter(building__area=grid).annotate(contacted=_has_contact())
              .values("building").annotate(total=Count("id"), uncontacted=Count("id", filter=Q(contacted=False)))}
    buildings = [
        BuildingLink(b, [r for r in roles if r.building_id == b.pk], counts.get(b.pk, {}).get("total", 0),
                     counts.get(b.pk, {}).get("uncontacted", 0))
        for b in Building.objects.visible_to(actor).filter(area=grid).order_by("name")
    ]
    members = list(eligible_members(grid).select_related("person").order_by("person__pinyin_full", "id"))
    loads = current_loads([m.pk for m in members])
    return GridChain(
        grid=grid, community_org=orgs.get(community.pk), branch=branch,
        grid_members=[r for r in roles if r.kind == GridRoleKind.GRID_MEMBER],
        street_heads=[r for r in roles if r.kind == GridRoleKind.STREET_HEAD],
        buildings=buildings,
        members=[(m, loads.get(m.pk, 0)) for m in members],
    )


def contact_coverage(*, area: Area) -> dict[str, int]:
    """Households with a current contact member under each child of an area, keyed by the child's
    path (by building id under a grid): one grouped query."""
    households = Household.objects.filter(_has_contact())
    if area.level == "grid":
        return dict(households.filter(building__area=area).values("building").annotate(n=Count("id"))
                    .values_list("building", "n"))
    length = (area.depth + 1) * Area.steplen
    return dict(households.filter(building__area__path__prefix=area.path)
                .annotate(k=Substr("building__area__path", 1, length)).values("k").annotate(n=Count("id"))
                .values_list("k", "n"))


@dataclass
class Proposal:
    pairs: list[tuple[Household, PartyMember]]
    unassigned: list[Household]
    max_per_member: int


def contact_assignment_propose(*, actor, grid: Area, max_per_member: int = 10) -> Proposal:
    """A balanced assignment of the grid's uncovered households: each goes to the least-loaded member
    living in its building, else to the least-loaded member of the grid, up to the maximum each."""
    households = list(Household.objects.visible_to(actor).filter(building__area=grid).exclude(_has_contact())
                      .select_related("building").order_by("building__name", "unit", "room", "id"))
    members = {m.pk: m for m in eligible_members(grid).select_related("person")}
    load = {pk: 0 for pk in members} | current_loads(list(members))
    by_building: dict[int, list[int]] = {}
    homes = PartyMember.objects.filter(pk__in=list(members), person__residences__moved_out__isnull=True,
                                       person__residences__household__building__area=grid)
    for member_id, building_id in homes.values_list("pk", "person__residences__household__building"):
        by_building.setdefault(building_id, []).append(member_id)
    pair_ids, left = balanced_assignment([(h.pk, h.building_id) for h in households], by_building, load, max_per_member)
    by_id = {h.pk: h for h in households}
    pairs = [(by_id[h], members[m]) for h, m in pair_ids]
    unassigned = [by_id[h] for h in left]
    return Proposal(pairs, unassigned, max_per_member)
