"""First secretaries and work teams in villages (驻村第一书记、工作队员): stationed in villagers' committees
only, one first secretary per village at a time, each with a frontline role; counted as figures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontline.areas.figures import figure_table
from frontline.areas.models import Area
from frontline.mobilization.models import Deployment
from frontline.mobilization.services import cadre_deploy
from frontline.people.models import Cadre, Resident

TODAY = timezone.localdate()


@pytest.fixture
def village(city):
    """The demo town's villages sit in the last district: division codes 2xx are villagers' committees."""
    villages = [a for a in Area.objects.filter(level="community").order_by("path") if a.is_village]
    assert villages and all(v.name.endswith("村") for v in villages)
    return villages[0]


def _cadres(city, n):
    people = Resident.objects.filter(moved_out__isnull=True).order_by("id")[:n]
    return [Cadre.objects.create(person=r.person, home_unit="市农业农村局", unit_area=city.city, rank="section")
            for r in people]


def test_only_villages_take_first_secretaries_and_work_teams(city, village):
    assert not city.community.is_village and village.is_village
    first, member = _cadres(city, 2)
    with pytest.raises(ValidationError, match="不是村"):
        cadre_deploy(actor=city.users["commander"], cadre=first, area=city.community, starts_on=TODAY,
                     kind="first_secretary")
    assert not Deployment.objects.filter(cadre=first).exists()
    cadre_deploy(actor=city.users["commander"], cadre=first, area=village, starts_on=TODAY, kind="first_secretary",
                 frontline_role="supervision")
    cadre_deploy(actor=city.users["commander"], cadre=member, area=village, starts_on=TODAY, kind="work_team",
                 frontline_role="publicity")
    row = figure_table(actor=city.users["commander"], area=village, codes=["village_first_secretary", "village_work_team",
                                                                              "cadres_deployed"]).total
    assert (row["village_first_secretary"], row["village_work_team"], row["cadres_deployed"]) == (1, 1, 2)


def test_a_village_has_one_first_secretary_at_a_time(city, village):
    first, second = _cadres(city, 2)
    cadre_deploy(actor=city.users["commander"], cadre=first, area=village, starts_on=TODAY,
                 ends_on=TODAY + datetime.timedelta(days=364), kind="first_secretary")
    with pytest.raises(ValidationError, match="已有第一书记"):
        cadre_deploy(actor=city.users["commander"], cadre=second, area=village,
                     starts_on=TODAY + datetime.timedelta(days=100), kind="first_secretary")
    # The successor takes over the day after.
    cadre_deploy(actor=city.users["commander"], cadre=second, area=village,
                 starts_on=TODAY + datetime.timedelta(days=365), kind="first_secretary")
    assert Deployment.objects.filter(area=village, kind="first_secretary").count() == 2


def test_the_village_page_stations_a_first_secretary_with_a_role(city, village, client_for):
    (cadre,) = _cadres(city, 1)
    commander = client_for("commander")
    page = commander.get(f"/areas/{village.pk}/deployments/").content.decode()
    assert "驻村第一书记" in page and "督导" in page  # the form offers the kinds and roles in a village
    assert "驻村第一书记" not in commander.get(f"/areas/{city.community.pk}/deployments/").content.decode()
    response = commander.post(f"/areas/{village.pk}/deployments/", {
        "cadre": cadre.pk, "starts_on": TODAY.isoformat(), "kind": "first_secretary", "frontline_role": "service"})
    assert response.status_code == 302
    listed = commander.get(f"/areas/{village.pk}/deployments/").content.decode()
    assert cadre.person.name in listed and "服务群众" in listed
