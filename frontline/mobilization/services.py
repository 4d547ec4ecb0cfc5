"""Writes of mobilization: cadres sent down (deployed, ended) and their groups. Each asks the access policy,
is atomic, validated and audited. A deployment is the cadre's access: it grants their account a `cadre`
assignment at the place for the same period (frontline.core.accounts), and ending it ends the assignment."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.figures import figures_mark_dirty
from frontline.areas.models import Area, AreaLevel
from frontline.core import accounts, policy
from frontline.core.audit import audit_bulk_create, audit_create, audit_update, snapshot
from frontline.core.roles import Role
from frontline.people.models import Cadre, Person

from .models import Deployment, DeploymentGroup, DeploymentKind, ResponsibilityChain, Team, TeamMember

DEPLOY_CADRES = "deploy_cadres"
PLAUSIBLE_YEARS = (2000, 2100)  # dates of deployments outside these are mistyped years


def _overlapping(cadre: Cadre | None, starts_on: datetime.date, ends_on: datetime.date | None, exclude=None):
    """The deployments (of the cadre, when given) that share a day with [starts_on, ends_on] (open-ended when
    None)."""
    others = Deployment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if cadre is not None:
        others = others.filter(cadre=cadre)
    if ends_on is not None:
        others = others.filter(starts_on__lte=ends_on)
    return others.exclude(pk=exclude.pk) if exclude is not None else others


@transaction.atomic
def cadre_deploy(*, actor, cadre: Cadre, area: Area, starts_on: datetime.date, ends_on: datetime.date | None = None,
                 group: DeploymentGroup | None = None, kind: str = DeploymentKind.SENT_DOWN,
                 frontline_role: str = "") -> Deployment:
    """Send a cadre down to a community or a street for a period, or station them in a village as its first
    secretary or in its work team; one cadre's deployments never overlap, a village has one first secretary
    at a time."""
    policy.require(actor, DEPLOY_CADRES, area)
    policy.require(actor, policy.VIEW_PEOPLE, cadre)  # the cadre's unit is the sender's (the organization department's)
    if area.level not in (AreaLevel.COMMUNITY, AreaLevel.STREET):
        raise ValidationError({"area": _("Cadres are sent down to a community or a street.")})
    for key, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not PLAUSIBLE_YEARS[0] <= day.year <= PLAUSIBLE_YEARS[1]:
            # a mistyped year (0022) would give the cadre's account access from then on, open-ended
            raise ValidationError({key: _("%(date)s is not a plausible date: check the year.") % {
                "date": day.isoformat()}}, code="implausible")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The deployment ends before it starts.")})
    if kind != DeploymentKind.SENT_DOWN and not area.is_village:
        raise ValidationError({"kind": _("%(area)s is not a village: first secretaries and work teams are stationed "
                                         "in villages.") % {"area": area.name}})
    if kind == DeploymentKind.FIRST_SECRETARY:
        other = (_overlapping(None, starts_on, ends_on).filter(area=area, kind=kind)
                 .select_related("cadre__person").first())
        if other is not None:
            raise ValidationError({"kind": _("%(village)s already has a first secretary then: %(name)s.") % {
                "village": area.name, "name": other.cadre.person.name}})
    if group is not None and group.community_id != area.pk:
        raise ValidationError({"group": _("%(group)s works in another community.") % {"group": group}})
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # two sendings at once (a double tap) take turns
    clash = _overlapping(cadre, starts_on, ends_on).select_related("area").first()
    if clash is not None:
        raise ValidationError(_("%(cadre)s is already sent to %(area)s from %(start)s%(until)s.") % {
            "cadre": cadre.person.name, "area": clash.area.name, "start": clash.starts_on,
            "until": _(" until %(date)s") % {"date": clash.ends_on} if clash.ends_on else ""})
    deployment = Deployment(cadre=cadre, area=area, group=group, starts_on=starts_on, ends_on=ends_on, kind=kind,
                            frontline_role=frontline_role or "",
                            created_by=actor if actor is not None and actor.is_authenticated else None)
    deployment.full_clean()
    account = cadre.person.accounts.filter(is_active=True).order_by("pk").first()
    if account is not None:  # the access comes with the deployment
        deployment.assignment = accounts.assignment_grant(actor=actor, user=account, role=Role.CADRE, area=area,
                                                          valid_from=starts_on, valid_until=ends_on)
    deployment.save()
    audit_create(actor, deployment, person=cadre.person)
    figures_mark_dirty([area.pk])
    return deployment


@transaction.atomic
def deployment_end(*, actor, deployment: Deployment, on: datetime.date | None = None) -> Deployment:
    """The deployment ends on `on` (today by default), and the access it gave with it."""
    policy.require(actor, DEPLOY_CADRES, deployment.area)
    on = max(deployment.starts_on, on or timezone.localdate())
    if deployment.ends_on is not None and deployment.ends_on <= on:
        if deployment.ends_on == on:  # ended that day already (a double tap): nothing to change
            return deployment
        # Ending it "today" would stretch a past deployment, and the access it gave, to today.
        raise ValidationError(_("This deployment ended on %(date)s already.") % {"date": deployment.ends_on},
                              code="ended")
    before = snapshot(deployment)
    deployment.ends_on = on
    deployment.full_clean()
    deployment.save(update_fields=["ends_on"])
    audit_update(actor, deployment, before, person=deployment.cadre.person)
    if deployment.assignment is not None:
        accounts.assignment_end(actor=actor, assignment=deployment.assignment, on=on)
    figures_mark_dirty([deployment.area_id])
    return deployment


@transaction.atomic
def deployment_group_create(*, actor, community: Area, name: str, grids: list[Area],
                            leader: Cadre | None = None) -> DeploymentGroup:
    """A group covering some of the community's grids (分组包片), with a leader from its cadres."""
    policy.require(actor, DEPLOY_CADRES, community)
    if community.level != AreaLevel.COMMUNITY:
        raise ValidationError({"community": _("Groups cover the grids of one community.")})
    foreign = [g.name for g in grids if g.level != AreaLevel.GRID or not g.path.startswith(community.path)]
    if foreign:
        raise ValidationError({"grids": _("Not grids of %(community)s: %(grids)s") % {
            "community": community.name, "grids": "、".join(foreign)}})
    group = DeploymentGroup(community=community, name=(name or "").strip(), leader=leader)
    if group.name and DeploymentGroup.objects.filter(community=community, name=group.name).exists():
        raise ValidationError({"name": _("%(community)s has a group named %(name)s already.") % {
            "community": community.name, "name": group.name}}, code="unique")
    group.full_clean()
    group.save()
    group.grids.set(grids)
    audit_create(actor, group)
    return group


def deployments_lapse_marks(*, today: datetime.date | None = None) -> int:
    """Deployments start and end by their dates: mark their areas so the kept figures count them then."""
    today = today or timezone.localdate()
    areas = set(Deployment.objects.filter(Q(starts_on=today) | Q(ends_on=today - datetime.timedelta(days=1)))
                .values_list("area_id", flat=True))
    figures_mark_dirty(areas)
    return len(areas)


@transaction.atomic
def chain_secretary_name(*, actor, area: Area, secretary, title: str = "",
                         valid_from: datetime.date | None = None) -> ResponsibilityChain:
    """Name the secretary accountable for an area (五级书记), an active account that works there (None: no such
    account); the one named before steps down the day before."""
    policy.require(actor, policy.MANAGE_ACCOUNTS, area)
    if secretary is not None and not secretary.is_active:
        raise ValidationError({"secretary": _("%(user)s is deactivated.") % {"user": secretary}})
    if secretary is None or not policy.allows(secretary, policy.VIEW, area):
        raise ValidationError({"secretary": _("No active account by that name works at %(area)s.") % {
            "area": area.name}})
    valid_from = valid_from or timezone.localdate()
    title = (title or "").strip()
    current = (ResponsibilityChain.objects.select_for_update().filter(area=area, valid_until__isnull=True)
               .order_by("-valid_from").first())
    if current is not None and current.secretary_id == secretary.pk and current.title == title:
        return current  # named already (the form sent twice): no second entry, no step down
    for previous in ResponsibilityChain.objects.select_for_update().filter(area=area, valid_until__isnull=True):
        before = snapshot(previous)
        previous.valid_until = max(previous.valid_from, valid_from - datetime.timedelta(days=1))
        previous.save(update_fields=["valid_until"])
        audit_update(actor, previous, before)
    entry = ResponsibilityChain(area=area, secretary=secretary, title=title, valid_from=valid_from)
    entry.full_clean()
    entry.save()
    audit_create(actor, entry)
    return entry


@transaction.atomic
def team_form(*, actor, kind: str, name: str, area: Area, site=None, leader=None, members=(),
              formed_on: datetime.date | None = None) -> Team:
    """A vanguard, commando or volunteer team at an area (or one of its sites), with its leader and members
    (people the former may see); the leader is a member."""
    policy.require(actor, DEPLOY_CADRES, area)
    if site is not None and not site.area.path.startswith(area.path):
        raise ValidationError({"site": _("%(site)s is not in %(area)s.") % {"site": site, "area": area.name}})
    people = list(dict.fromkeys([*([leader] if leader else []), *members]))
    if actor is not None and people and Person.objects.restrict(actor, policy.VIEW_PEOPLE).filter(
            pk__in=[p.pk for p in people]).count() != len(people):  # one query, not one a member
        raise ValidationError({"members": _("Some members are not people of your area.")})
    formed_on = formed_on or timezone.localdate()
    team = Team(kind=kind, name=(name or "").strip(), area=area, site=site, leader=leader, formed_on=formed_on)
    if team.name and Team.objects.filter(area=area, name=team.name, dissolved_on__isnull=True).exists():
        raise ValidationError({"name": _("%(area)s already has a %(what)s named %(name)s.") % {
            "area": area.name, "what": Team._meta.verbose_name, "name": team.name}}, code="unique")
    team.full_clean()
    team.save()
    members = TeamMember.objects.bulk_create([TeamMember(team=team, person=p, joined_on=formed_on) for p in people])
    audit_create(actor, team)
    audit_bulk_create(actor, members, person_of=lambda m: m.person)
    figures_mark_dirty([area.pk])
    return team
