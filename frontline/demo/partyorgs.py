"""Demo: party members at the front in the demo community — responsibility zones, pioneer posts, teams of
party members, and the temporary branches they call for (one set up, others waiting for the newcomer)."""

import datetime


def demo_partyorgs_create() -> None:
    """A few responsibility zones and pioneer posts; four teams, of which one has its temporary branch, two
    need one and one needs a temporary party group. Done once."""
    from django.utils import timezone

    from frontline.areas.models import Area, AreaLevel, Building, Site
    from frontline.core.models import User
    from frontline.mobilization.partyorg_services import (
        pioneer_post_create,
        responsibility_zone_create,
        temporary_org_create,
    )
    from frontline.mobilization.partyorgs import ResponsibilityZone
    from frontline.mobilization.services import team_form
    from frontline.people.models import MemberStatus, PartyMember

    if ResponsibilityZone.objects.exists():
        return
    secretary = User.objects.get(username="secretary")
    community = secretary.area
    today = timezone.localdate()
    since = today - datetime.timedelta(days=10)
    grids = list(Area.objects.filter(level=AreaLevel.GRID, path__startswith=community.path).order_by("path")[:3])
    formal = list(PartyMember.objects.filter(org__area__path__startswith=community.path, left_on__isnull=True,
                                             status=MemberStatus.FORMAL).select_related("person").order_by("pk"))
    people = [m.person for m in formal]
    if len(people) < 5 or not grids:
        return  # a city too small for the story

    def pick(start: int, size: int) -> list:  # a small city's members serve in more than one place
        return [people[(start + k) % len(people)] for k in range(size)]

    for i, grid in enumerate(grids):
        buildings = list(Building.objects.filter(area=grid).order_by("pk")[:2])
        responsibility_zone_create(actor=secretary, area=grid, name=f"{grid.name}党员责任区",
                                   description="、".join(b.name for b in buildings) or grid.name,
                                   buildings=buildings, members=pick(2 * i, 2), on=since)
    site = (Site.objects.filter(area__path__startswith=community.path, closed_on__isnull=True).order_by("pk").first()
            or Site.objects.create(kind="testing", name=f"{community.name}核酸采样点", area=grids[0], opened_on=since))
    pioneer_post_create(actor=secretary, area=community, name="核酸采样党员先锋岗", site=site, members=pick(6, 3),
                        on=since)
    pioneer_post_create(actor=secretary, area=community, kind="model", name="物资配送党员示范岗", members=pick(9, 2),
                        on=since)
    teams = [("commando", f"{community.name}核酸采样党员突击队", pick(0, 5)),
             ("vanguard", f"{community.name}党员先锋队", pick(5, 4)),
             ("volunteer", f"{community.name}物资配送志愿服务队", pick(9, 3)),
             ("volunteer", f"{community.name}心理疏导志愿服务队", pick(12, 2))]
    formed = [team_form(actor=secretary, kind=kind, name=name, area=community, site=site if i == 0 else None,
                        leader=members[0], members=members, formed_on=since)
              for i, (kind, name, members) in enumerate(teams)]
    temporary_org_create(actor=secretary, kind="branch", team=formed[0], secretary=teams[0][2][0])
