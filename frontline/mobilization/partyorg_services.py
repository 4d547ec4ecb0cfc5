"""Party members at the front: responsibility zones and pioneer posts with their members, and temporary party
organizations by rule (DESIGN.md, "Temporary party organizations").

Who is assigned to a site or a team in a period comes from the platform's registry of staff sources
(`plugins.staff_sources`: team members and duty shifts here; the epidemic app's collectors and checkpoint
staff plug in the same way). The formal party members among
them decide the kind a site or team needs: a group below FRONTLINE_TEMPORARY_BRANCH_FROM (3), a branch from it,
a committee from FRONTLINE_TEMPORARY_COMMITTEE_FROM (100). Membership of a temporary organization is computed
from the same sources, never copied. Writes ask the policy, are atomic, validated and audited."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontline.areas.figures import figures_mark_dirty
from frontline.areas.models import Area, Building, Site
from frontline.core import plugins, policy
from frontline.core.audit import audit_bulk_create, audit_create, audit_update, snapshot
from frontline.people.models import MemberStatus, PartyMember, PartyOrg, PartyOrgKind, Person
from frontline.people.services import party_org_create

from .models import Team, TeamMember
from .partyorgs import PioneerPost, PostHolder, ResponsibilityZone, TemporaryOrg, ZoneMember

MANAGE_PARTY_POSTS = "manage_party_posts"
FORM_TEMPORARY_ORGS = "form_temporary_orgs"
SITE, TEAM = "site", "team"
TEMPORARY_KIND_LABELS = {
    PartyOrgKind.GROUP: gettext_lazy("temporary party group"),
    PartyOrgKind.BRANCH: gettext_lazy("temporary party branch"),
    PartyOrgKind.COMMITTEE: gettext_lazy("temporary party committee"),
}
TEMPORARY_KIND_NAMES = {PartyOrgKind.GROUP: "临时党小组", PartyOrgKind.BRANCH: "临时党支部",
                        PartyOrgKind.COMMITTEE: "临时党委"}
SIZE = {PartyOrgKind.GROUP: 0, PartyOrgKind.BRANCH: 1, PartyOrgKind.COMMITTEE: 2}


# --- who is assigned where: the registry of sources ----------------------------------------------------------



def team_member_rows(area: Area, starts_on: datetime.date, ends_on: datetime.date) -> QuerySet:
    """Members of the area's teams during the period (a team dissolved, or a member gone, by its first day
    no longer counts)."""
    return (TeamMember.objects.filter(team__area__path__startswith=area.path, team__formed_on__lte=ends_on,
                                      joined_on__lte=ends_on)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=starts_on))
            .filter(Q(team__dissolved_on__isnull=True) | Q(team__dissolved_on__gt=starts_on)))


plugins.staff_sources.register(plugins.StaffSource("team_members", gettext_lazy("team members"), TEAM,
                                                  team_member_rows, "team_id", "person_id", order=10))


def kind_for(formal: int) -> str | None:
    """The kind of temporary organization `formal` formal party members form (None for nobody)."""
    if formal >= settings.FRONTLINE_TEMPORARY_COMMITTEE_FROM:
        return PartyOrgKind.COMMITTEE
    if formal >= settings.FRONTLINE_TEMPORARY_BRANCH_FROM:
        return PartyOrgKind.BRANCH
    return PartyOrgKind.GROUP if formal > 0 else None


def minimum_for(kind: str) -> int:
    return {PartyOrgKind.GROUP: 1, PartyOrgKind.BRANCH: settings.FRONTLINE_TEMPORARY_BRANCH_FROM,
            PartyOrgKind.COMMITTEE: settings.FRONTLINE_TEMPORARY_COMMITTEE_FROM}[kind]


def formal_members_by_anchor(area: Area, starts_on: datetime.date, ends_on: datetime.date | None = None, *,
                             anchor: tuple[str, int] | None = None) -> dict[tuple[str, int], set[int]]:
    """(SITE or TEAM, id) → ids of the formal party members the sources assign there during the period: one
    query a source, however many sites and teams."""
    ends_on = ends_on or starts_on
    members: dict[tuple[str, int], set[int]] = defaultdict(set)
    for source in plugins.staff_sources:
        if anchor is not None and source.anchor != anchor[0]:
            continue
        formal = PartyMember.objects.filter(person_id=OuterRef(source.person_field), status=MemberStatus.FORMAL,
                                            left_on__isnull=True)
        rows = source.rows(area, starts_on, ends_on).filter(Exists(formal))
        if anchor is not None:
            rows = rows.filter(**{source.anchor_field: anchor[1]})
        for anchor_id, person_id in rows.values_list(source.anchor_field, source.person_field).distinct().order_by():
            members[source.anchor, anchor_id].add(person_id)
    return members


def temporary_org_members(temporary_org: TemporaryOrg, on: datetime.date | None = None) -> set[int]:
    """Ids of the people who are members now: the formal party members assigned to its site or team."""
    key = (SITE, temporary_org.site_id) if temporary_org.site_id else (TEAM, temporary_org.team_id)
    return formal_members_by_anchor(temporary_org.area, on or timezone.localdate(), anchor=key).get(key, set())


@dataclass
class Need:
    anchor: str  # SITE or TEAM
    obj: Site | Team
    formal: int
    kind: str | None  # the kind the count asks for
    existing: TemporaryOrg | None = None

    @property
    def key(self) -> str:
        return f"{self.anchor}:{self.obj.pk}"

    @property
    def status(self) -> str:
        if self.existing is None:
            return "missing"
        if self.kind is None or SIZE[self.kind] < SIZE[self.existing.kind]:
            return "shrunk"
        return "outgrown" if self.kind != self.existing.kind else "ok"

    @property
    def kind_label(self):
        return TEMPORARY_KIND_LABELS.get(self.kind, "—")


def temporary_org_needs(*, actor, area: Area, on: datetime.date | None = None, limit: int = 200):
    """For an area: the sites and teams that need a temporary organization or whose one no longer fits its
    count (the largest first, at most `limit`; with the total), and the temporary organizations there with
    their member counts. A constant number of queries, whatever the number of sites and teams."""
    on = on or timezone.localdate()
    members = formal_members_by_anchor(area, on)
    existing = list(TemporaryOrg.objects.restrict(actor, FORM_TEMPORARY_ORGS)
                    .filter(area__path__startswith=area.path, dissolved_on__isnull=True)
                    .select_related("org", "site__area", "team__area", "area", "secretary").order_by("area__path", "pk"))
    by_anchor = {((SITE, t.site_id) if t.site_id else (TEAM, t.team_id)): t for t in existing}
    candidates = []
    for key in set(members) | set(by_anchor):
        n = len(members.get(key, ()))
        need = Need(key[0], None, n, kind_for(n), by_anchor.get(key))
        if need.status != "ok":
            candidates.append((key, need))
    candidates.sort(key=lambda c: (-c[1].formal, c[0]))
    total = len(candidates)
    shown = candidates[:limit]
    site_ids = [k[1] for k, _n in shown if k[0] == SITE]
    team_ids = [k[1] for k, _n in shown if k[0] == TEAM]
    objs = {(SITE, s.pk): s for s in Site.objects.filter(pk__in=site_ids).select_related("area")}
    objs.update({(TEAM, t.pk): t for t in Team.objects.filter(pk__in=team_ids).select_related("area")})
    needs = []
    for key, need in shown:
        need.obj = objs.get(key) or (need.existing.site or need.existing.team if need.existing else None)
        if need.obj is not None:
            needs.append(need)
    for t in existing:
        t.member_count = len(members.get((SITE, t.site_id) if t.site_id else (TEAM, t.team_id), ()))
    return needs, total, existing


def upper_org(area: Area) -> PartyOrg | None:
    """The party organization over an area: the nearest committee or general branch anchored at the area
    or above it (not a temporary one)."""
    prefixes = [area.path[:i] for i in range(Area.steplen, len(area.path) + 1, Area.steplen)]
    return (PartyOrg.objects.filter(area__path__in=prefixes, temporary=False, dissolved_on__isnull=True,
                                    kind__in=[PartyOrgKind.COMMITTEE, PartyOrgKind.GENERAL_BRANCH])
            .order_by("-area__depth", "pk").first())


def anchor_get_for(actor, key: str) -> tuple[str, Site | Team]:
    """'site:12' or 'team:5' → the site or team, within what the actor may set up organizations for (404)."""
    from django.http import Http404

    from frontline.core.scoping import get_for

    kind, _sep, pk = (key or "").partition(":")
    if kind not in (SITE, TEAM) or not pk.isdigit():
        raise Http404
    model = Site if kind == SITE else Team
    return kind, get_for(model.objects.restrict(actor, FORM_TEMPORARY_ORGS), actor, int(pk))


@transaction.atomic
def temporary_org_create(*, actor, kind: str, secretary: Person, site: Site | None = None, team: Team | None = None,
                         name: str = "", on: datetime.date | None = None) -> TemporaryOrg:
    """Set up the temporary organization of a site or a team in one step, under the party organization over
    its area, with a secretary from its formal party members; the kind must be the one their number asks for
    (a branch from 3, a committee from 100). One that no longer fits is dissolved by the new one."""
    if (site is None) == (team is None):
        raise ValidationError(_("Say which site or team the organization is for."))
    obj = site or team
    area = obj.area
    policy.require(actor, FORM_TEMPORARY_ORGS, area)
    on = on or timezone.localdate()
    if site is not None and site.closed_on is not None and site.closed_on <= on:
        raise ValidationError(_("%(site)s is closed.") % {"site": site.name})
    if team is not None and team.dissolved_on is not None and team.dissolved_on <= on:
        raise ValidationError(_("%(team)s is dissolved.") % {"team": team.name})
    if kind not in TEMPORARY_KIND_LABELS:
        raise ValidationError({"kind": _("A temporary organization is a party group, a branch or a committee.")})
    key = (SITE, obj.pk) if site is not None else (TEAM, obj.pk)
    members = formal_members_by_anchor(area, on, anchor=key).get(key, set())
    n, needed = len(members), kind_for(len(members))
    label = TEMPORARY_KIND_LABELS[kind]
    if n < minimum_for(kind):
        raise ValidationError({"kind": _("A %(kind)s needs at least %(need)s formal party members; %(anchor)s has "
                                         "%(n)s.") % {"kind": label, "need": minimum_for(kind), "anchor": obj.name,
                                                      "n": n}})
    if kind != needed:
        raise ValidationError({"kind": _("With %(n)s formal party members %(anchor)s forms a %(needed)s, not a "
                                         "%(kind)s.") % {"n": n, "anchor": obj.name, "kind": label,
                                                         "needed": TEMPORARY_KIND_LABELS[needed]}})
    if secretary is None or secretary.pk not in members:
        raise ValidationError({"secretary": _("%(person)s is not a formal party member assigned to %(anchor)s; "
                                              "choose the secretary from them.") % {
            "person": secretary.name if secretary is not None else "—", "anchor": obj.name}})
    parent = upper_org(area)
    if parent is None:
        raise ValidationError(_("No party organization over %(area)s to set it up under.") % {"area": area.name})
    anchored = TemporaryOrg.objects.select_for_update().filter(dissolved_on__isnull=True, **{key[0]: obj})
    for previous in anchored:
        if previous.kind == kind:
            raise ValidationError(_("%(anchor)s already has %(org)s.") % {"anchor": obj.name, "org": previous.org.name})
        temporary_org_dissolve(actor=actor, temporary_org=previous, on=on)  # outgrown: the new one replaces it
    org = party_org_create(actor=actor, parent=parent, name=(name or "").strip() or f"{obj.name}{TEMPORARY_KIND_NAMES[kind]}",
                           kind=kind, area=area, site=site if site is not None else team.site, temporary=True,
                           founded_on=on)
    temporary = TemporaryOrg(org=org, area=area, site=site, team=team, kind=kind, secretary=secretary, founded_on=on,
                             created_by=actor if actor is not None and actor.is_authenticated else None)
    temporary.full_clean()
    temporary.save()
    audit_create(actor, temporary, person=secretary)
    figures_mark_dirty([area.pk])
    return temporary


@transaction.atomic
def temporary_org_dissolve(*, actor, temporary_org: TemporaryOrg, on: datetime.date | None = None) -> TemporaryOrg:
    """The temporary organization ends on `on` (today by default): it and its party organization."""
    policy.require(actor, FORM_TEMPORARY_ORGS, temporary_org.area)
    on = max(temporary_org.founded_on, on or timezone.localdate())
    for obj in (temporary_org, temporary_org.org):
        before = snapshot(obj)
        obj.dissolved_on = on
        obj.save(update_fields=["dissolved_on"])
        audit_update(actor, obj, before)
    figures_mark_dirty([temporary_org.area_id])
    return temporary_org


def temporary_orgs_dissolve_closed(*, today: datetime.date | None = None, site: Site | None = None,
                                   team: Team | None = None) -> int:
    """Temporary organizations whose site has closed or whose team is dissolved (by today) dissolve, on that
    day (the system's act; idempotent). A scheduled task runs it for all; a site or team closing, for itself."""
    today = today or timezone.localdate()
    ended = TemporaryOrg.objects.filter(dissolved_on__isnull=True).filter(
        Q(site__closed_on__lte=today) | Q(team__dissolved_on__lte=today)).select_related("org", "site", "team")
    if site is not None:
        ended = ended.filter(site=site)
    if team is not None:
        ended = ended.filter(team=team)
    count = 0
    for temporary in ended:
        closed = temporary.site.closed_on if temporary.site_id else temporary.team.dissolved_on
        temporary_org_dissolve(actor=None, temporary_org=temporary, on=closed)
        count += 1
    return count


def site_closed(sender, instance: Site, **kwargs) -> None:
    """A site saved with its closing date (areas knows nothing of mobilization): its temporary organization
    dissolves with it."""
    if instance.closed_on is not None and not kwargs.get("raw"):
        temporary_orgs_dissolve_closed(site=instance)


# --- teams: leaving and dissolving (their temporary organizations follow) ------------------------------------

@transaction.atomic
def team_member_leave(*, actor, team: Team, person: Person, on: datetime.date | None = None) -> None:
    """A member leaves the team (no longer counted from `on`, today by default)."""
    from .services import DEPLOY_CADRES

    policy.require(actor, DEPLOY_CADRES, team.area)
    _member_remove(actor, team, TeamMember, "team", person, on)


@transaction.atomic
def team_dissolve(*, actor, team: Team, on: datetime.date | None = None) -> Team:
    """The team is dissolved on `on` (today by default), and its temporary organization with it."""
    from .services import DEPLOY_CADRES

    policy.require(actor, DEPLOY_CADRES, team.area)
    before = snapshot(team)
    team.dissolved_on = max(team.formed_on, on or timezone.localdate())
    team.full_clean()
    team.save(update_fields=["dissolved_on"])
    audit_update(actor, team, before)
    temporary_orgs_dissolve_closed(today=team.dissolved_on, team=team)
    return team


# --- responsibility zones and pioneer posts -----------------------------------------------------------------

def _check_people(actor, people: list[Person], *, party_members: bool) -> None:
    if actor is not None and people and Person.objects.restrict(actor, policy.VIEW_PEOPLE).filter(
            pk__in=[p.pk for p in people]).count() != len(people):
        raise ValidationError({"members": _("Some members are not people of your area.")})
    if party_members:
        current = set(PartyMember.objects.filter(person__in=people, left_on__isnull=True)
                      .values_list("person_id", flat=True))
        others = [p.name for p in people if p.pk not in current]
        if others:
            raise ValidationError({"members": _("Pioneer posts are held by party members; not party members: "
                                                "%(names)s") % {"names": "、".join(others)}})


def _members_add(actor, holder, member_model, link: str, people: Iterable[Person], *, party_members: bool, on=None):
    people = list(dict.fromkeys(people))
    if not people:
        raise ValidationError({"members": _("Name at least one person.")})
    _check_people(actor, people, party_members=party_members)
    present = set(member_model.objects.filter(**{link: holder}, left_on__isnull=True).values_list("person_id", flat=True))
    on = on or timezone.localdate()
    rows = member_model.objects.bulk_create([member_model(**{link: holder}, person=p, joined_on=on)
                                             for p in people if p.pk not in present])
    audit_bulk_create(actor, rows, person_of=lambda m: m.person)
    return rows


def _member_remove(actor, holder, member_model, link: str, person: Person, on=None):
    member = member_model.objects.filter(**{link: holder}, person=person, left_on__isnull=True).first()
    if member is None:
        raise ValidationError(_("%(person)s is not a member of %(what)s.") % {"person": person.name, "what": holder.name})
    before = snapshot(member)
    member.left_on = max(member.joined_on, on or timezone.localdate())
    member.save(update_fields=["left_on"])
    audit_update(actor, member, before, person=person)


def unique_active_name(obj, active: QuerySet) -> None:
    """A team, zone or post's name is unique among the active ones of its area: said in words, where the
    database's constraint would only name itself."""
    if obj.name and active.filter(area=obj.area, name=obj.name).exists():
        raise ValidationError({"name": _("%(area)s already has a %(what)s named %(name)s.") % {
            "area": obj.area.name, "what": obj._meta.verbose_name, "name": obj.name}}, code="unique")


@transaction.atomic
def responsibility_zone_create(*, actor, area: Area, name: str, description: str = "",
                               buildings: Iterable[Building] = (), members: Iterable[Person] = (),
                               on: datetime.date | None = None) -> ResponsibilityZone:
    """A party members' responsibility zone at an area, over some of its buildings, with its members."""
    policy.require(actor, MANAGE_PARTY_POSTS, area)
    buildings, members = list(buildings), list(members)
    foreign = list(Building.objects.filter(pk__in=[b.pk for b in buildings]).exclude(area__path__startswith=area.path)
                   .values_list("name", flat=True))  # one query, not one a building
    if foreign:
        raise ValidationError({"buildings": _("Not buildings of %(area)s: %(names)s") % {
            "area": area.name, "names": "、".join(foreign)}})
    zone = ResponsibilityZone(area=area, name=(name or "").strip(), description=(description or "").strip(),
                              set_up_on=on or timezone.localdate())
    unique_active_name(zone, ResponsibilityZone.objects.filter(ended_on__isnull=True))
    zone.full_clean()
    zone.save()
    zone.buildings.set(buildings)
    audit_create(actor, zone)
    if members:
        _members_add(actor, zone, ZoneMember, "zone", members, party_members=False, on=zone.set_up_on)
    figures_mark_dirty([area.pk])
    return zone


@transaction.atomic
def pioneer_post_create(*, actor, area: Area, name: str, kind: str = "pioneer", site: Site | None = None,
                        members: Iterable[Person] = (), on: datetime.date | None = None) -> PioneerPost:
    """A pioneer (or model) post at an area or one of its sites, held by party members."""
    policy.require(actor, MANAGE_PARTY_POSTS, area)
    if site is not None and not site.area.path.startswith(area.path):
        raise ValidationError({"site": _("%(site)s is not in %(area)s.") % {"site": site, "area": area.name}})
    members = list(members)
    _check_people(actor, members, party_members=True)  # before anything is written
    post = PioneerPost(area=area, site=site, kind=kind, name=(name or "").strip(), set_up_on=on or timezone.localdate())
    unique_active_name(post, PioneerPost.objects.filter(ended_on__isnull=True))
    post.full_clean()
    post.save()
    audit_create(actor, post)
    if members:
        _members_add(actor, post, PostHolder, "post", members, party_members=True, on=post.set_up_on)
    figures_mark_dirty([area.pk])
    return post


@transaction.atomic
def zone_members_add(*, actor, zone: ResponsibilityZone, people: Iterable[Person]) -> list[ZoneMember]:
    policy.require(actor, MANAGE_PARTY_POSTS, zone.area)
    return _members_add(actor, zone, ZoneMember, "zone", people, party_members=False)


@transaction.atomic
def zone_member_remove(*, actor, zone: ResponsibilityZone, person: Person) -> None:
    policy.require(actor, MANAGE_PARTY_POSTS, zone.area)
    _member_remove(actor, zone, ZoneMember, "zone", person)


@transaction.atomic
def post_holders_add(*, actor, post: PioneerPost, people: Iterable[Person]) -> list[PostHolder]:
    policy.require(actor, MANAGE_PARTY_POSTS, post.area)
    return _members_add(actor, post, PostHolder, "post", people, party_members=True)


@transaction.atomic
def post_holder_remove(*, actor, post: PioneerPost, person: Person) -> None:
    policy.require(actor, MANAGE_PARTY_POSTS, post.area)
    _member_remove(actor, post, PostHolder, "post", person)
