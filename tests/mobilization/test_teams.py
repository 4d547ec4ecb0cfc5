"""Teams (先锋队、突击队、志愿服务队): formed at an area with a leader and members the former may see;
counted as figures (组建党员先锋队、突击队X支)."""

import pytest
from django.core.exceptions import ValidationError

from frontline.areas.figures import figure_table
from frontline.mobilization.models import Team
from frontline.mobilization.services import team_form
from frontline.people.models import PartyMember, Resident


def test_a_secretary_forms_a_commando_team_of_party_members_here_and_the_figure_moves(city, client_for):
    members = list(PartyMember.objects.filter(org__area=city.grid, left_on__isnull=True).select_related("person")[:3])
    before = figure_table(actor=city.users["commander"], area=city.city, codes=["teams_commando"]).total
    lines = "\n".join(m.person.id_number or m.person.name for m in members)
    response = client_for("secretary").post(f"/areas/{city.community.pk}/teams/",
                                            {"kind": "commando", "name": "第1网格党员突击队", "members": lines})
    assert response.status_code == 302
    team = Team.objects.get(name="第1网格党员突击队")
    assert team.members.count() == len(members) and team.leader is not None
    after = figure_table(actor=city.users["commander"], area=city.city, codes=["teams_commando"]).total
    assert after["teams_commando"] == before["teams_commando"] + 1
    page = client_for("secretary").get(f"/areas/{city.community.pk}/teams/").content.decode()
    assert "第1网格党员突击队" in page


def test_members_from_elsewhere_are_refused_and_nothing_is_formed(city):
    stranger = Resident.objects.filter(household__building__area__path__startswith=city.other_district.path,
                                       moved_out__isnull=True).first().person
    with pytest.raises(ValidationError):
        team_form(actor=city.users["secretary"], kind="vanguard", name="先锋队", area=city.community,
                  members=[stranger])
    assert not Team.objects.filter(name="先锋队").exists()



def test_teams_are_for_the_desk_where_they_are(city, client_for):
    url = f"/areas/{city.community.pk}/teams/"
    assert client_for("grid").get(url).status_code == 403
    assert client_for("secretary2").get(url).status_code == 404
