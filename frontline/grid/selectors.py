"""Reads for the grid: the chain and its gaps, who may take contact households, contact coverage, the proposed
assignment, campaign progress and the households still to visit, special needs, message coverage."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from frontline.areas.models import Area, Building, Household
from frontline.areas.selectors import area_get_for, count_by
from frontline.core import policy
from frontline.notices.models import Notice
from frontline.people.models import PartyMember, PartyOrg, Resident

from .assignment import balanced_assignment
from .models import (
    ContactHousehold,
    GridRole,
    GridRoleKind,
    HouseholdVisit,
    ResidentScreening,
    ScreeningCampaign,
    SpecialNeed,
    VisitOutcome,
)


def eligible_members(grid: Area):
    """Current, non-floating party members who live in the grid or belong to its branch."""
    return PartyMember.objects.filter(left_on__isnull=True, floating=False).filter(
        Q(org__area=grid) | Q(person__residences__moved_out__isnull=True, person__residences__household__building__area=grid)
    ).distinct()


def current_loads(member_ids) -> dict[int, int]:
    return dict(ContactHousehold.objects.filter(member_id__in=member_ids, ended_on__isnull=True)
                .values("member").annotate(n=Count("id")).values_list("member", "n"))


def campaign_covers(campaign: ScreeningCampaign, household: Household) -> bool:
    """Does the campaign run where the household is? (Uses the campaign's prefetched areas when there.)"""
    path = household.building.area.path
    return any(path.startswith(area.path) for area in campaign.areas.all())


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
        return count_by(households.filter(building__area=area), "building", None)
    return count_by(households.filter(building__area__path__prefix=area.path), "building__area__path",
                  (area.depth + 1) * Area.steplen)


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


def campaigns_active(*, actor, today=None):
    today = today or timezone.localdate()
    return (ScreeningCampaign.objects.visible_to(actor).filter(starts_on__lte=today, ends_on__gte=today)
            .prefetch_related("areas").order_by("-starts_on", "id"))


def campaign_area(*, actor, campaign: ScreeningCampaign, area_id=None) -> Area:
    """The area a campaign is looked at in: the one asked for (within scope), else the viewer's own,
    else the campaign's first."""
    if area_id:
        return area_get_for(actor, area_id)
    return policy.home_area(actor) or campaign.areas.order_by("path").first()


def _covered_households(campaign: ScreeningCampaign, area: Area):
    """Households under `area` that the campaign covers."""
    paths = [a.path for a in campaign.areas.all()]
    if any(area.path.startswith(p) for p in paths):
        return Household.objects.filter(building__area__path__prefix=area.path)
    inside = [p for p in paths if p.startswith(area.path)]
    if not inside:
        return Household.objects.none()
    q = Q()
    for p in inside:
        q |= Q(building__area__path__prefix=p)
    return Household.objects.filter(q)


def _visited():
    return Exists(HouseholdVisit.objects.filter(household=OuterRef("pk"), campaign=OuterRef("campaign_id"),
                                                outcome=VisitOutcome.VISITED))


@dataclass
class Progress:
    households: int = 0
    visited: int = 0
    screened: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.visited / self.households) if self.households else 0


def campaign_progress(*, campaign: ScreeningCampaign, area: Area) -> tuple[Progress, dict]:
    """Households covered, households visited and residents screened under each child of `area` (each
    building of a grid), keyed like `contact_coverage`; three grouped queries."""
    households = _covered_households(campaign, area).annotate(campaign_id=Value(campaign.pk))
    visited = households.filter(_visited())
    screened = ResidentScreening.objects.filter(visit__campaign=campaign, visit__outcome=VisitOutcome.VISITED,
                                                visit__household__in=households.values("pk"))
    if area.level == "grid":
        key, skey, length = "building", "visit__household__building", None
    else:
        key, skey, length = "building__area__path", "visit__household__building__area__path", (area.depth + 1) * Area.steplen
    totals, done, people = count_by(households, key, length), count_by(visited, key, length), count_by(screened, skey, length)
    by_child = {k: Progress(n, done.get(k, 0), people.get(k, 0)) for k, n in totals.items()}
    total = Progress(sum(totals.values()), sum(done.values()), sum(people.values()))
    return total, by_child


def households_to_visit(*, actor, campaign: ScreeningCampaign, area: Area):
    """The households under `area` this campaign still has to visit (nobody-home ones included)."""
    return (_covered_households(campaign, area).visible_to(actor).annotate(campaign_id=Value(campaign.pk))
            .exclude(_visited()).select_related("building__area").order_by("building__area__path", "building__name",
                                                                           "unit", "room"))


SPECIAL_NEED_ORDER = ["dialysis", "cancer_treatment", "pregnant", "infant", "elderly_alone", "chronic_medication",
                      "disability", "other"]


def special_needs_priority(*, actor, area: Area):
    """Active special needs of people living under `area` now, the most urgent kinds first."""
    order = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(SPECIAL_NEED_ORDER)], output_field=IntegerField())
    living_here = Resident.objects.filter(person=OuterRef("person"), moved_out__isnull=True,
                                          household__building__area__path__prefix=area.path)
    return (SpecialNeed.objects.visible_to(actor).filter(resolved_on__isnull=True).filter(Exists(living_here))
            .annotate(rank=order).select_related("person").order_by("rank", "person__pinyin_full"))


def household_residents_with_history(*, household: Household, campaign: ScreeningCampaign):
    """Current residents with what is already known for pre-filling: the answers to questions marked
    `carry` from their last screening, and their active special needs."""
    residents = list(household.residents.filter(moved_out__isnull=True).select_related("person")
                     .order_by("relation", "person__birth_date"))
    person_ids = [r.person_id for r in residents]
    last = {}
    for screening in (ResidentScreening.objects.filter(person_id__in=person_ids, visit__outcome=VisitOutcome.VISITED)
                      .order_by("person_id", "-visit__visited_at")):
        last.setdefault(screening.person_id, screening.answers)
    needs = {}
    for person_id, kind in SpecialNeed.objects.filter(person_id__in=person_ids, resolved_on__isnull=True).values_list(
            "person_id", "kind"):
        needs.setdefault(person_id, []).append(kind)
    carry = [q["key"] for q in campaign.form if q.get("carry")]
    prefill = {}
    for r in residents:
        known = {k: last.get(r.person_id, {}).get(k) for k in carry if last.get(r.person_id, {}).get(k) is not None}
        known["special_needs"] = needs.get(r.person_id, [])
        known.setdefault("present", True)
        prefill[r.person_id] = known
    return residents, prefill


def household_campaigns(*, actor, household: Household) -> list[tuple[ScreeningCampaign, HouseholdVisit | None]]:
    """The running campaigns covering a household, each with its last visit there."""
    campaigns = [c for c in campaigns_active(actor=actor) if campaign_covers(c, household)]
    last = {}
    for visit in HouseholdVisit.objects.filter(household=household, campaign__in=campaigns).order_by("visited_at"):
        last[visit.campaign_id] = visit
    return [(c, last.get(c.pk)) for c in campaigns]


def message_coverage(*, message: Notice, area: Area) -> tuple[Progress, dict]:
    """Grids the message went to, and how many passed it on, under each child of `area` (`Progress`
    with households = grids targeted, visited = grids delivered)."""
    grids = message.grids.filter(path__prefix=area.path)
    delivered = grids.filter(notice_deliveries__notice=message)
    if area.level == "grid":
        targeted = {area.pk: grids.count()}
        done = {area.pk: delivered.count()}
    else:
        length = (area.depth + 1) * Area.steplen
        targeted, done = count_by(grids, "path", length), count_by(delivered, "path", length)
    by_child = {k: Progress(n, done.get(k, 0)) for k, n in targeted.items()}
    return Progress(sum(targeted.values()), sum(done.values())), by_child
