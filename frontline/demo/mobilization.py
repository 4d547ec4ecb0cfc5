"""The demo's mobilization, so a newcomer sees the work under way: the five-level chain named, cadres sent down
in groups over the community's key grids (one key grid left uncovered), a first secretary and a work team in a
village, a vanguard team, an overdue work order that has climbed the chain, and party-fee allocations (one
paid, one waiting for the organization department's approval)."""

import datetime

from django.utils import timezone

from frontline.areas.models import Area, AreaLevel
from frontline.core.models import User, WorkOrder, WorkOrderEvent
from frontline.core.services import work_order_create, work_orders_escalate_overdue
from frontline.mobilization.fund_services import fund_allocation_approve, fund_allocation_create, fund_allocation_pay
from frontline.mobilization.models import Deployment
from frontline.mobilization.selectors import key_grids
from frontline.mobilization.services import (
    cadre_deploy,
    chain_secretary_name,
    deployment_end,
    deployment_group_create,
    team_form,
)
from frontline.people.models import Cadre, PartyMember, PartyOrg, Person


def demo_mobilization_create() -> None:
    if Deployment.objects.exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=[
        "commander", "orgdept", "street", "secretary", "grid"]).select_related("area")}
    commander, orgdept, secretary = users["commander"], users["orgdept"], users["secretary"]
    community, today = secretary.area, timezone.localdate()

    # 五级书记: the city, the street, the community and the grid name theirs; the district is left as a gap.
    for username, title in [("commander", "市委书记、市疫情防控指挥部指挥长"), ("street", "街道党工委书记"),
                            ("secretary", "社区党委书记"), ("grid", "网格党支部书记")]:
        chain_secretary_name(actor=None, area=users[username].area, secretary=users[username], title=title,
                             valid_from=today - datetime.timedelta(days=30))

    # 下沉: eight city cadres to the demo community, in two groups over its key grids; the next key grid is left
    # uncovered, so the gap shows. One more cadre came home yesterday.
    cadres = list(Cadre.objects.exclude(unit_area__path__startswith=community.path)
                  .select_related("person").order_by("id")[:12])
    if len(cadres) < 12:  # a small demo city: the organization department registers a few more
        people = (Person.objects.filter(cadre__isnull=True, residences__moved_out__isnull=True)
                  .exclude(residences__household__building__area__path__startswith=community.path)
                  .order_by("id")[:12 - len(cadres)])
        cadres += [Cadre.objects.create(person=p, home_unit="市直机关工委", unit_area=commander.area, rank="section")
                   for p in people]
    grids = list(key_grids(community))
    groups = [deployment_group_create(actor=commander, community=community, name=name, grids=grids[i:i + 1],
                                      leader=None) for i, name in enumerate(["第一组", "第二组"])]
    start = today - datetime.timedelta(days=20)
    for i, cadre in enumerate(cadres[:8]):
        cadre_deploy(actor=commander, cadre=cadre, area=community, starts_on=start, group=groups[i % 2],
                     ends_on=today + datetime.timedelta(days=40))
    groups[0].leader = cadres[0]
    groups[0].save(update_fields=["leader"])  # the second group has no leader yet: a gap
    back = cadre_deploy(actor=commander, cadre=cadres[8], area=community, starts_on=start)
    deployment_end(actor=commander, deployment=back, on=today - datetime.timedelta(days=1))

    # 驻村第一书记 and the village work team.
    village = next((a for a in Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("path") if a.is_village), None)
    if village is not None:
        for cadre, kind, role in [(cadres[9], "first_secretary", "supervision"), (cadres[10], "work_team", "publicity"),
                                  (cadres[11], "work_team", "service")]:
            cadre_deploy(actor=commander, cadre=cadre, area=village, starts_on=today - datetime.timedelta(days=60),
                         kind=kind, frontline_role=role)

    # A party vanguard team of the community's party members.
    members = [m.person for m in PartyMember.objects.filter(org__area__path__startswith=community.path,
                                                            status="formal", left_on__isnull=True)
               .select_related("person").order_by("id")[:6]]
    if members:
        # Named apart from the vanguard team the party-organization demo forms in the same community.
        team_form(actor=secretary, kind="vanguard", name=f"{community.name}疫情防控党员先锋队", area=community,
                  leader=members[0], members=members, formed_on=today - datetime.timedelta(days=15))

    # A revisit nobody took up: two days overdue, it has climbed from the grid to the community's named secretary
    # and then to the street's.
    grid = users["grid"].area
    order = work_order_create(actor=None, kind="revisit", title="复访：独居老人家中无人应答", area=grid,
                              due_at=timezone.now() - datetime.timedelta(days=2))
    # Opened a day before it fell due, so that its history reads in order (created, then escalated twice).
    opened = timezone.now() - datetime.timedelta(days=3)
    WorkOrder.objects.filter(pk=order.pk).update(created_at=opened)
    order.events.filter(action=WorkOrderEvent.Action.CREATED).update(at=opened)
    work_orders_escalate_overdue(now=timezone.now() - datetime.timedelta(days=1))
    work_orders_escalate_overdue(now=timezone.now())
    order.refresh_from_db()

    # 党费划拨: one paid (requested by the HQ, approved by the organization department), one waiting.
    org = PartyOrg.objects.filter(area=community).order_by("path").first()
    paid = fund_allocation_create(actor=commander, purpose="grassroots_orgs", amount="20000.00",
                                  source="市委管理党费", area=commander.area, recipients=[(org, None)],
                                  note="支持社区党组织开展疫情防控")
    fund_allocation_approve(actor=orgdept, allocation=paid)
    fund_allocation_pay(actor=commander, allocation=paid, reference="财付〔2022〕17号")
    fund_allocation_create(actor=commander, purpose="grassroots_cadres", amount="3000.50", source="市委管理党费",
                           area=commander.area, recipients=[(cadres[0].person, "1500.25"), (cadres[1].person, "1500.25")],
                           note="慰问一线下沉干部")
