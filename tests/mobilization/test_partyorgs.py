"""Temporary party organizations by rule (临时党支部): who is assigned to each site or team, the formal party
members among them, the kind their number asks for (a group below 3, a branch from 3, a committee from 100),
set up in one step with a secretary from them, membership following assignments, dissolving with the site or
team; and party members' responsibility zones and pioneer posts (党员责任区、先锋岗)."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from frontline.areas.figures import figure_table
from frontline.areas.models import Area, Site
from frontline.core.models import AuditLog
from frontline.mobilization import tasks
from frontline.mobilization.models import Team, TeamMember
from frontline.mobilization.partyorg_services import (
    TEAM,
    kind_for,
    pioneer_post_create,
    post_holders_add,
    responsibility_zone_create,
    team_dissolve,
    team_member_leave,
    temporary_org_create,
    temporary_org_members,
    temporary_org_needs,
    zone_member_remove,
)
from frontline.mobilization.partyorgs import PioneerPost, ResponsibilityZone, TemporaryOrg
from frontline.people.models import PartyMember, PartyOrg, Person, Resident

_names = itertools.count(1)


def _members(grid: Area, formal: int, probationary: int = 0) -> list[Person]:
    """New people, members of the grid's party branch: `formal` formal ones, then `probationary` others."""
    branch = PartyOrg.objects.get(area=grid, temporary=False)
    people = Person.objects.bulk_create([Person(name=f"测试党员{next(_names)}") for _ in range(formal + probationary)])
    PartyMember.objects.bulk_create([PartyMember(person=p, org=branch, status="formal" if i < formal else "probationary")
                                     for i, p in enumerate(people)])
    return people


def _team(area: Area, people: list[Person], name: str = "测试突击队", site: Site | None = None) -> Team:
    today = timezone.localdate()
    team = Team.objects.create(kind="commando", name=name, area=area, site=site, formed_on=today - datetime.timedelta(days=3))
    TeamMember.objects.bulk_create([TeamMember(team=team, person=p, joined_on=team.formed_on) for p in people])
    return team


def _need(actor, area, team):
    needs, _total, _existing = temporary_org_needs(actor=actor, area=area)
    return next((n for n in needs if n.anchor == TEAM and n.obj.pk == team.pk), None)


@pytest.mark.parametrize(("formal", "kind"), [(2, "group"), (3, "branch"), (99, "branch"), (100, "committee")])
def test_the_kind_a_team_needs_follows_its_formal_party_members_at_the_thresholds(city, formal, kind):
    team = _team(city.grid, _members(city.grid, formal, probationary=2))
    need = _need(city.users["secretary"], city.community, team)
    assert need.formal == formal and need.kind == kind and need.status == "missing"


@override_settings(FRONTLINE_TEMPORARY_BRANCH_FROM=5, FRONTLINE_TEMPORARY_COMMITTEE_FROM=50)
def test_the_thresholds_are_configurable():
    assert [kind_for(n) for n in (0, 4, 5, 49, 50)] == [None, "group", "branch", "branch", "committee"]


def test_a_branch_needs_three_formal_members_and_a_secretary_from_them(city):
    people = _members(city.grid, 2, probationary=1)
    team = _team(city.grid, people)
    with pytest.raises(ValidationError) as refused:
        temporary_org_create(actor=city.users["secretary"], kind="branch", team=team, secretary=people[0])
    assert "至少需要3名正式党员" in " ".join(refused.value.messages) and "有2名" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as probationary:
        temporary_org_create(actor=city.users["secretary"], kind="group", team=team, secretary=people[2])
    assert "不是" in " ".join(probationary.value.messages)
    assert not TemporaryOrg.objects.filter(team=team).exists()
    assert not PartyOrg.objects.filter(temporary=True, name__startswith=team.name).exists()


def test_a_team_of_five_formal_members_cannot_be_a_party_group(city):
    people = _members(city.grid, 5)
    team = _team(city.grid, people)
    with pytest.raises(ValidationError) as refused:
        temporary_org_create(actor=city.users["secretary"], kind="group", team=team, secretary=people[0])
    assert "临时党支部" in " ".join(refused.value.messages)


def test_the_secretary_sets_up_a_temporary_branch_in_one_step_under_the_community_committee(city, client_for):
    people = _members(city.grid, 4)
    team = _team(city.grid, people, name="方舱突击队")
    before = figure_table(actor=city.users["commander"], area=city.city, codes=["temporary_orgs_branch"]).total
    page = client_for("secretary").get(f"/areas/{city.community.pk}/temporary-orgs/").content.decode()
    assert f'data-need="team:{team.pk}"' in page
    form = client_for("secretary").get(f"/teams/{team.pk}/temporary-org/")
    assert form.status_code == 200 and people[1].name in form.content.decode()
    response = client_for("secretary").post(f"/teams/{team.pk}/temporary-org/",
                                            {"kind": "branch", "secretary": people[1].pk})
    assert response.status_code == 302
    temporary = TemporaryOrg.objects.select_related("org").get(team=team)
    org = temporary.org
    assert org.temporary and org.kind == "branch" and org.name == "方舱突击队临时党支部"
    assert temporary.secretary == people[1] and org.founded_on == timezone.localdate()
    assert PartyOrg.objects.get(pk=org.pk).get_parent() == PartyOrg.objects.get(area=city.community, temporary=False)
    assert AuditLog.objects.filter(object_id=str(temporary.pk), action="create").exists()
    after = figure_table(actor=city.users["commander"], area=city.city, codes=["temporary_orgs_branch"]).total
    assert after["temporary_orgs_branch"] == before["temporary_orgs_branch"] + 1
    assert _need(city.users["secretary"], city.community, team) is None  # no longer needed
    page = client_for("secretary").get(f"/areas/{city.community.pk}/temporary-orgs/").content.decode()
    assert "方舱突击队临时党支部" in page


def test_a_temporary_group_that_reaches_three_formal_members_has_outgrown_its_kind(city):
    people = _members(city.grid, 3)
    team = _team(city.grid, people[:2])
    group = temporary_org_create(actor=city.users["secretary"], kind="group", team=team, secretary=people[0])
    TeamMember.objects.create(team=team, person=people[2], joined_on=timezone.localdate())
    need = _need(city.users["secretary"], city.community, team)
    assert need.status == "outgrown" and need.kind == "branch" and need.existing == group
    branch = temporary_org_create(actor=city.users["secretary"], kind="branch", team=team, secretary=people[2])
    group.refresh_from_db()
    assert group.dissolved_on == timezone.localdate() and branch.dissolved_on is None
    assert _need(city.users["secretary"], city.community, team) is None


def test_membership_follows_a_member_leaving_the_team(city):
    people = _members(city.grid, 3)
    team = _team(city.grid, people)
    branch = temporary_org_create(actor=city.users["secretary"], kind="branch", team=team, secretary=people[0])
    assert temporary_org_members(branch) == {p.pk for p in people}
    team_member_leave(actor=city.users["secretary"], team=team, person=people[2])
    assert temporary_org_members(branch) == {people[0].pk, people[1].pk}
    need = _need(city.users["secretary"], city.community, team)
    assert need.status == "shrunk" and need.kind == "group"


def test_it_dissolves_when_its_team_is_dissolved(city):
    people = _members(city.grid, 3)
    team = _team(city.grid, people)
    branch = temporary_org_create(actor=city.users["secretary"], kind="branch", team=team, secretary=people[0])
    team_dissolve(actor=city.users["secretary"], team=team)
    branch.refresh_from_db()
    branch.org.refresh_from_db()
    assert branch.dissolved_on == timezone.localdate() == branch.org.dissolved_on
    assert _need(city.users["secretary"], city.community, team) is None


def test_it_dissolves_when_its_site_closes(city):
    people = _members(city.grid, 3)
    site = Site.objects.create(kind="testing", name="测试采样点", area=city.grid)
    team = _team(city.grid, people, site=site)
    branch = temporary_org_create(actor=city.users["secretary"], kind="branch", team=team, secretary=people[0])
    assert branch.org.site == site
    # A site anchored one, through a source of its own (as duty shifts and site staff will plug in).
    from frontline.core import plugins
    from frontline.mobilization.partyorg_services import SITE

    plugins.staff_sources.register(plugins.StaffSource(
        "test_site_staff", "staff", SITE, lambda area, s, e: TeamMember.objects.filter(
            team__site__area__path__startswith=area.path, left_on__isnull=True), "team__site_id", "person_id"))
    try:
        at_site = temporary_org_create(actor=city.users["secretary"], kind="branch", site=site, secretary=people[1])
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        site.closed_on = yesterday  # whoever closes it: the site's own save dissolves its organization
        site.save()
        at_site.refresh_from_db()
        assert at_site.dissolved_on == timezone.localdate()  # not before it was founded
    finally:
        plugins.staff_sources.unregister("test_site_staff")
    branch.refresh_from_db()
    assert branch.dissolved_on is None  # the team's own branch lives on with the team
    Site.objects.filter(pk=site.pk).update(closed_on=None)
    assert tasks.dissolve_temporary_orgs() == 0


def test_the_scheduled_task_dissolves_those_of_sites_closed_by_date(city):
    people = _members(city.grid, 3)
    site = Site.objects.create(kind="testing", name="到期采样点", area=city.grid)
    from frontline.core import plugins
    from frontline.mobilization.partyorg_services import SITE

    plugins.staff_sources.register(plugins.StaffSource(
        "test_site_staff", "staff", SITE, lambda area, s, e: TeamMember.objects.filter(
            team__site__area__path__startswith=area.path), "team__site_id", "person_id"))
    try:
        _team(city.grid, people, site=site)
        org = temporary_org_create(actor=city.users["secretary"], kind="branch", site=site, secretary=people[0])
    finally:
        plugins.staff_sources.unregister("test_site_staff")
    Site.objects.filter(pk=site.pk).update(closed_on=timezone.localdate())  # a bulk write: no signal
    assert tasks.dissolve_temporary_orgs() == 1
    org.refresh_from_db()
    assert org.dissolved_on == timezone.localdate()
    assert tasks.dissolve_temporary_orgs() == 0  # idempotent


def test_temporary_orgs_are_for_the_desk_where_they_are(city, client_for):
    people = _members(city.grid, 3)
    team = _team(city.grid, people)
    url = f"/areas/{city.community.pk}/temporary-orgs/"
    assert client_for("grid").get(url).status_code == 403
    assert client_for("cadre").get(url).status_code == 403
    assert client_for("secretary2").get(url).status_code == 404
    assert client_for("secretary2").post(f"/teams/{team.pk}/temporary-org/",
                                         {"kind": "branch", "secretary": people[0].pk}).status_code == 404
    assert client_for("street").get(f"/teams/{team.pk}/temporary-org/").status_code == 200
    with pytest.raises(PermissionDenied):
        temporary_org_create(actor=city.users["district2"], kind="branch", team=team, secretary=people[0])
    assert not TemporaryOrg.objects.filter(team=team).exists()


def test_the_needs_page_asks_the_same_number_of_queries_however_many_teams(city, client_for,
                                                                           django_assert_max_num_queries):
    client = client_for("secretary")
    url = f"/areas/{city.community.pk}/temporary-orgs/"
    _team(city.grid, _members(city.grid, 3), name="队0")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(1, 15):
        team = _team(city.grid, _members(city.grid, 3 + i % 3), name=f"队{i}")
        if i % 4 == 0:
            temporary_org_create(actor=city.users["secretary"], kind="branch", team=team,
                                 secretary=TeamMember.objects.filter(team=team).first().person)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert "队14" in page


def test_temporary_orgs_by_kind_are_figures(city):
    people = _members(city.grid, 3)
    before = figure_table(actor=city.users["commander"], area=city.city,
                          codes=["temporary_orgs_group", "temporary_orgs_branch"]).total
    temporary_org_create(actor=city.users["secretary"], kind="group", team=_team(city.grid, people[:1], name="甲"),
                         secretary=people[0])
    temporary_org_create(actor=city.users["secretary"], kind="branch", team=_team(city.grid, people, name="乙"),
                         secretary=people[1])
    after = figure_table(actor=city.users["commander"], area=city.city,
                         codes=["temporary_orgs_group", "temporary_orgs_branch"]).total
    assert after["temporary_orgs_group"] == before["temporary_orgs_group"] + 1
    assert after["temporary_orgs_branch"] == before["temporary_orgs_branch"] + 1


# --- responsibility zones and pioneer posts ------------------------------------------------------------------

def test_a_secretary_sets_up_a_zone_and_a_post_and_the_figures_count_them(city, client_for):
    people = _members(city.grid, 2)
    codes = ["responsibility_zones", "pioneer_posts"]
    before = figure_table(actor=city.users["commander"], area=city.city, codes=codes).total
    client = client_for("secretary")
    url = f"/areas/{city.community.pk}/party-posts/"
    assert client.post(url, {"what": "zone", "zone-name": "3号楼责任区", "zone-description": "3号楼1-4单元",
                             "zone-members": people[0].name}).status_code == 302
    assert client.post(url, {"what": "post", "post-kind": "pioneer", "post-name": "核酸采样先锋岗",
                             "post-members": "\n".join(p.name for p in people)}).status_code == 302
    zone = ResponsibilityZone.objects.get(name="3号楼责任区")
    post = PioneerPost.objects.get(name="核酸采样先锋岗")
    assert list(zone.members.values_list("person", flat=True)) == [people[0].pk]
    assert post.members.count() == 2
    after = figure_table(actor=city.users["commander"], area=city.city, codes=codes).total
    assert after == {c: before[c] + 1 for c in codes}
    page = client.get(url).content.decode()
    assert "3号楼责任区" in page and "核酸采样先锋岗" in page
    assert client.post(f"/responsibility-zones/{zone.pk}/", {"members": people[1].name}).status_code == 302
    assert client.post(f"/responsibility-zones/{zone.pk}/", {"remove": people[0].pk}).status_code == 302
    assert list(zone.members.filter(left_on__isnull=True).values_list("person", flat=True)) == [people[1].pk]
    assert people[1].name in client.get(f"/responsibility-zones/{zone.pk}/").content.decode()


def test_a_pioneer_post_refuses_holders_who_are_not_party_members(city, client_for):
    member = _members(city.grid, 1)[0]
    member_ids = PartyMember.objects.filter(left_on__isnull=True).values("person_id")
    outsider = (Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True)
                .exclude(person_id__in=member_ids).select_related("person").first().person)
    with pytest.raises(ValidationError) as refused:
        pioneer_post_create(actor=city.users["secretary"], area=city.community, name="先锋岗",
                            members=[member, outsider])
    assert outsider.name in " ".join(refused.value.messages) and "不是党员" in " ".join(refused.value.messages)
    assert not PioneerPost.objects.filter(name="先锋岗").exists()
    post = pioneer_post_create(actor=city.users["secretary"], area=city.community, name="先锋岗", members=[member])
    response = client_for("secretary").post(f"/pioneer-posts/{post.pk}/", {"members": outsider.name})
    assert response.status_code == 400 and "不是党员" in response.content.decode()
    with pytest.raises(ValidationError):
        post_holders_add(actor=city.users["secretary"], post=post, people=[outsider])
    assert post.members.count() == 1


def test_zones_take_only_people_the_secretary_may_see_and_only_at_their_place(city, client_for):
    stranger = Resident.objects.filter(household__building__area__path__startswith=city.other_district.path,
                                       moved_out__isnull=True).first().person
    with pytest.raises(ValidationError):
        responsibility_zone_create(actor=city.users["secretary"], area=city.community, name="责任区", members=[stranger])
    assert not ResponsibilityZone.objects.filter(name="责任区").exists()
    zone = responsibility_zone_create(actor=city.users["secretary"], area=city.community, name="责任区")
    with pytest.raises(ValidationError):
        zone_member_remove(actor=city.users["secretary"], zone=zone, person=stranger)
    assert client_for("grid").get(f"/areas/{city.community.pk}/party-posts/").status_code == 403
    assert client_for("secretary2").get(f"/responsibility-zones/{zone.pk}/").status_code == 404
    assert client_for("street").get(f"/responsibility-zones/{zone.pk}/").status_code == 200


def test_the_demo_shows_a_branch_set_up_and_two_teams_waiting_for_theirs(city, client_for):
    from frontline.demo.partyorgs import demo_partyorgs_create

    demo_partyorgs_create()
    assert ResponsibilityZone.objects.count() >= 2 and PioneerPost.objects.count() == 2
    needs, _total, existing = temporary_org_needs(actor=city.users["secretary"], area=city.community)
    assert [t.kind for t in existing] == ["branch"] and existing[0].member_count == 5
    assert len([n for n in needs if n.kind == "branch" and n.status == "missing"]) == 2
    assert any(n.kind == "group" for n in needs)
    page = client_for("secretary").get(f"/areas/{city.community.pk}/temporary-orgs/").content.decode()
    assert "核酸采样党员突击队临时党支部" in page


def test_on_the_team_page_a_member_leaves_and_then_the_team_is_dissolved_with_its_branch(city, client_for):
    people = _members(city.grid, 4)
    team = _team(city.grid, people, name="页面突击队")
    branch = temporary_org_create(actor=city.users["secretary"], kind="branch", team=team, secretary=people[0])
    client = client_for("secretary")
    page = client.get(f"/teams/{team.pk}/").content.decode()
    assert "页面突击队临时党支部" in page and people[3].name in page
    assert client.post(f"/teams/{team.pk}/", {"leave": people[3].pk}).status_code == 302
    assert temporary_org_members(branch) == {p.pk for p in people[:3]}
    assert client_for("secretary2").post(f"/teams/{team.pk}/", {"dissolve": "1"}).status_code == 404
    assert client.post(f"/teams/{team.pk}/", {"dissolve": "1"}).status_code == 302
    branch.refresh_from_db()
    team.refresh_from_db()
    assert team.dissolved_on == branch.dissolved_on == timezone.localdate()


def test_people_on_duty_at_a_site_ask_for_its_temporary_branch(city):
    """Duty shifts are a staff source: three formal party members on duty at a checkpoint today make it need a
    temporary branch; a secretary is chosen from them; shifts elsewhere or on other days do not count."""
    from frontline.mobilization.duty import DutyShift
    from frontline.mobilization.duty_services import day_bounds
    from frontline.mobilization.partyorg_services import SITE

    people = _members(city.grid, 3, probationary=1)
    site = Site.objects.create(kind="checkpoint", name="值守卡口", area=city.grid)
    morning = day_bounds(timezone.localdate())[0] + datetime.timedelta(hours=8)  # today, whatever the hour now
    for i, person in enumerate(people):
        DutyShift.objects.create(site=site, area=city.grid, person=person, starts_at=morning + datetime.timedelta(hours=i),
                                 ends_at=morning + datetime.timedelta(hours=i + 1))
    DutyShift.objects.create(site=site, area=city.grid, person=people[0], starts_at=morning + datetime.timedelta(days=3),
                             ends_at=morning + datetime.timedelta(days=3, hours=1))
    needs, _total, _existing = temporary_org_needs(actor=city.users["secretary"], area=city.community)
    need = next(n for n in needs if n.anchor == SITE and n.obj.pk == site.pk)
    assert (need.formal, need.kind) == (3, "branch")
    branch = temporary_org_create(actor=city.users["secretary"], kind="branch", site=site, secretary=people[2])
    assert temporary_org_members(branch) == {p.pk for p in people[:3]}
    with pytest.raises(ValidationError):
        temporary_org_create(actor=city.users["secretary"], kind="committee", site=site, secretary=people[0])
