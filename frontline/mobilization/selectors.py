"""Reads of mobilization: who is sent where on a day, the groups and what they leave uncovered, the cadres
registered but not sent."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from frontline.areas.models import Area
from frontline.people.models import Cadre, CadreRank

from .models import Deployment, DeploymentGroup, ResponsibilityChain


def deployments_on(day: datetime.date | None = None):
    day = day or timezone.localdate()
    return Deployment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


def deployments_under(*, actor, area: Area, day: datetime.date | None = None):
    """The deployments in force on the day under the area, of cadres the actor may see."""
    return deployments_on(day).restrict(actor, "view_people").filter(area__path__startswith=area.path)


@dataclass
class CommunityDeployments:
    area: Area
    deployments: list[Deployment]
    groups: list[DeploymentGroup]
    uncovered_grids: list[tuple[Area, int]]  # grids no group covers, the most residents first
    groups_without_leader: list[DeploymentGroup]


def key_grids(community: Area):
    """The community's grids, the most residents first (key grids, 重点网格, come first), each with `n`."""
    return (Area.objects.get_children(community)
            .annotate(n=Count("buildings__households__residents",
                              filter=Q(buildings__households__residents__moved_out__isnull=True)))
            .order_by("-n", "code"))


def community_deployments(*, actor, area: Area, day: datetime.date | None = None) -> CommunityDeployments:
    deployments = list(deployments_under(actor=actor, area=area, day=day)
                       .select_related("cadre__person", "group", "area").order_by("group__name", "cadre__person__pinyin_full"))
    groups = list(DeploymentGroup.objects.visible_to(actor).filter(community__path__startswith=area.path)
                  .select_related("leader__person").prefetch_related("grids").order_by("name"))
    uncovered = []
    if area.level == "community":
        grids = (key_grids(area).visible_to(actor)
                 .exclude(Exists(DeploymentGroup.grids.through.objects.filter(area=OuterRef("pk")))))
        uncovered = [(g, g.n) for g in grids]
    return CommunityDeployments(area, deployments, groups, uncovered, [g for g in groups if g.leader_id is None])


def cadres_not_sent(*, actor, day: datetime.date | None = None, limit: int = 200):
    """Cadres registered in the actor's scope and sent nowhere on the day."""
    return (Cadre.objects.visible_to(actor).exclude(Exists(deployments_on(day).filter(cadre=OuterRef("pk"))))
            .select_related("person", "unit_area").order_by("home_unit", "person__pinyin_full")[:limit])


def deployed_by_rank_and_unit(*, actor, area: Area, day: datetime.date | None = None, units: int = 20):
    """Cadres sent under the area on the day, by rank and by home unit (the largest units first)."""
    sent = deployments_under(actor=actor, area=area, day=day)
    ranks = dict(CadreRank.choices)
    by_rank = [(ranks.get(r, r), n) for r, n in sent.values_list("cadre__rank").annotate(n=Count("id")).order_by("cadre__rank")]
    by_unit = list(sent.values_list("cadre__home_unit").annotate(n=Count("id")).order_by("-n", "cadre__home_unit")[:units])
    return by_rank, by_unit


def chain_in_force(day: datetime.date | None = None):
    day = day or timezone.localdate()
    return ResponsibilityChain.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day)


def responsibility_chain(*, actor, area: Area, day: datetime.date | None = None):
    """The five levels from the city down to the area, each with its accountable secretary (None: a gap), and
    the areas below it that have none (the first 50, and how many)."""
    ancestors = [*Area.objects.get_ancestors(area), area]
    named = {e.area_id: e for e in chain_in_force(day).filter(area__in=ancestors).select_related("secretary__person")}
    levels = [(a, named.get(a.pk)) for a in ancestors]
    below = (Area.objects.visible_to(actor).filter(path__startswith=area.path, depth__gt=area.depth)
             .exclude(pk__in=chain_in_force(day).values("area")).order_by("path"))
    return levels, list(below[:50]), below.count()


def chain_secretaries(area_ids: list[int]) -> dict[int, int]:
    """The escalation route: the account of the secretary each area names today (one query)."""
    return dict(chain_in_force().filter(area_id__in=area_ids, secretary__is_active=True)
                .values_list("area_id", "secretary_id"))
