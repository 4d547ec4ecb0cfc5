import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from frontline.areas.models import Building, Household
from frontline.core.models import AuditLog
from frontline.grid.models import ContactHousehold, GridRole
from frontline.grid.selectors import contact_assignment_propose, eligible_members, grid_chain
from frontline.grid.services import contact_households_assign, grid_role_assign
from tests.access import assert_access

AT_GRID = ["grid", "cadre", "secretary", "street", "commander"]
SIBLINGS = ["grid2", "secretary2", "district2"]


def _uncover(grid, n=None):
    """End the contact of some households of the grid, so there is something to assign."""
    rows = ContactHousehold.objects.filter(household__building__area=grid, ended_on__isnull=True).order_by("id")
    ids = list(rows.values_list("id", flat=True)[:n] if n else rows.values_list("id", flat=True))
    ContactHousehold.objects.filter(id__in=ids).delete()
    return len(ids)


def test_demo_city_has_a_chain_in_each_grid(city):
    chain = grid_chain(actor=city.users["secretary"], grid=city.grid)
    assert chain.branch is not None and chain.community_org is not None
    assert chain.grid_members, "the generated grid has a red grid member"
    assert chain.households == Household.objects.filter(building__area=city.grid).count()
    assert chain.uncontacted == chain.households - ContactHousehold.objects.filter(
        household__building__area=city.grid, ended_on__isnull=True).count()


def test_chain_page_marks_the_gaps(city, client_for):
    GridRole.objects.filter(area=city.grid, kind="grid_member").delete()
    headless = Building.objects.filter(area=city.grid).order_by("name").first()
    GridRole.objects.filter(building=headless).delete()
    _uncover(city.grid, 3)
    page = client_for("secretary").get(f"/areas/{city.grid.pk}/chain/").content.decode()
    assert 'data-testid="gap-grid-member"' in page
    assert 'data-testid="gap-building-head"' in page
    assert int(re.search(r'data-testid="chain-uncontacted">(\d+)<', page).group(1)) >= 3


def test_chain_pages_follow_the_access_matrix(city, client_for):
    assert_access(client_for, f"/areas/{city.grid.pk}/chain/", sees=AT_GRID, hidden=SIBLINGS,
                  refused=["volunteer", "courier", "enterprise", "inspector"])
    assert_access(client_for, f"/areas/{city.grid.pk}/contacts/propose/", sees=["secretary", "street", "commander"],
                  hidden=["secretary2", "district2"], refused=["grid2", "cadre", "volunteer"])
    assert client_for("grid").get(f"/areas/{city.grid.pk}/contacts/propose/").status_code == 403
    assert client_for("commander").get(f"/areas/{city.community.pk}/chain/").status_code == 404  # not a grid


def test_proposal_is_balanced_within_the_maximum_and_prefers_the_building(city):
    _uncover(city.grid)
    proposal = contact_assignment_propose(actor=city.users["secretary"], grid=city.grid, max_per_member=3)
    loads = {}
    for _household, member in proposal.pairs:
        loads[member.pk] = loads.get(member.pk, 0) + 1
    assert max(loads.values()) <= 3
    assert max(loads.values()) - min(loads.values()) <= 1 or proposal.unassigned == []
    members = eligible_members(city.grid).count()
    assert len(proposal.pairs) == min(members * 3, Household.objects.filter(building__area=city.grid).count())
    homes = dict(city.grid.buildings.values_list("households__residents__person__party_memberships", "pk"))
    same_building = sum(1 for h, m in proposal.pairs if homes.get(m.pk) == h.building_id)
    assert same_building > 0


def test_accepting_the_proposal_covers_the_households_and_audits(city, client_for):
    uncovered = _uncover(city.grid)
    client = client_for("secretary")
    page = client.get(f"/areas/{city.grid.pk}/contacts/propose/?max_per_member=10").content.decode()
    pairs = re.findall(r'name="pair" value="(\d+:\d+)"', page)
    assert pairs
    response = client.post(f"/areas/{city.grid.pk}/contacts/assign/", {"pair": pairs, "max_per_member": 10})
    assert response.status_code == 302
    covered = ContactHousehold.objects.filter(household__building__area=city.grid, ended_on__isnull=True).count()
    assert covered == Household.objects.filter(building__area=city.grid).count() - (uncovered - len(pairs))
    assert AuditLog.objects.filter(content_type__model="contacthousehold", actor_name="secretary").count() == len(pairs)
    area_page = client.get(f"/areas/{city.grid.pk}/").content.decode()
    assert f'data-testid="total-contacted_households">{covered}<' in area_page


def test_a_stale_proposal_is_refused_whole(city, client_for):
    _uncover(city.grid)
    proposal = contact_assignment_propose(actor=city.users["secretary"], grid=city.grid)
    pairs = [(h.pk, m.pk) for h, m in proposal.pairs]
    contact_households_assign(actor=city.users["secretary"], grid=city.grid, pairs=pairs[:1], max_per_member=10)
    before = ContactHousehold.objects.count()
    with pytest.raises(ValidationError) as e:
        contact_households_assign(actor=city.users["secretary"], grid=city.grid, pairs=pairs, max_per_member=10)
    assert "已有联系党员" in " ".join(e.value.messages)
    assert ContactHousehold.objects.count() == before


def test_households_of_another_grid_cannot_be_slipped_in(city, client_for):
    other = Household.objects.filter(building__area=city.sibling_grid).first()
    ContactHousehold.objects.filter(household=other).delete()
    member = eligible_members(city.grid).first()
    client_for("secretary").post(f"/areas/{city.grid.pk}/contacts/assign/", {"pair": [f"{other.pk}:{member.pk}"]})
    assert not ContactHousehold.objects.filter(household=other).exists()


def test_a_new_building_head_replaces_the_previous_one(city):
    building = Building.objects.filter(area=city.grid).first()
    members = list(eligible_members(city.grid)[:2])
    secretary = city.users["secretary"]
    first = grid_role_assign(actor=secretary, kind="building_head", member=members[0], grid=city.grid, building=building)
    second = grid_role_assign(actor=secretary, kind="building_head", member=members[1], grid=city.grid, building=building)
    first.refresh_from_db()
    assert first.ended_on is not None and second.ended_on is None
    assert GridRole.objects.filter(building=building, ended_on__isnull=True).get() == second
    with pytest.raises(IntegrityError), transaction.atomic():
        GridRole.objects.create(kind="building_head", member=members[0], area=city.grid, building=building,
                                started_on=second.started_on)


def test_role_form_asks_for_the_building_of_a_head(city, client_for):
    member = eligible_members(city.grid).first()
    response = client_for("secretary").post(f"/areas/{city.grid.pk}/roles/", {"kind": "building_head", "member": member.pk})
    assert response.status_code == 400
    assert "请选择该楼栋长负责的楼栋" in response.content.decode()
    response = client_for("secretary").post(f"/areas/{city.grid.pk}/roles/", {"kind": "street_head", "member": member.pk,
                                                                             "street_name": "幸福巷"})
    assert response.status_code == 302
    assert GridRole.objects.filter(kind="street_head", street_name="幸福巷", member=member).exists()
    refused = client_for("grid").post(f"/areas/{city.grid.pk}/roles/", {"kind": "grid_member", "member": member.pk})
    assert refused.status_code == 403
