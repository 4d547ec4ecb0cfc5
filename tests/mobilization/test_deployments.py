"""Cadres sent down (下沉): a deployment is the cadre's access to the place for its period; one cadre's
deployments never overlap; groups cover a community's grids (分组包片) and the gaps show."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontline.areas.figures import figure_table
from frontline.areas.models import Area
from frontline.core import policy
from frontline.core.models import User
from frontline.mobilization.models import Deployment
from frontline.mobilization.services import cadre_deploy, deployment_end, deployment_group_create
from frontline.people.models import Cadre, Resident

TODAY = timezone.localdate()


@pytest.fixture
def cadre(city):
    """A cadre of a district bureau with an account, sent nowhere yet."""
    person = Resident.objects.filter(household__building__area=city.other_district.get_descendants().filter(
        level="grid").first(), moved_out__isnull=True).first().person
    cadre = Cadre.objects.create(person=person, home_unit="区卫健局", unit_area=city.district, rank="section")
    User.objects.create(username="sent", person=person)
    return cadre


def test_a_deployment_gives_the_cadres_account_the_place_for_its_period(city, cadre):
    account = User.objects.get(username="sent")
    resident = Resident.objects.filter(household__building__area__path__startswith=city.community.path,
                                       moved_out__isnull=True).first()
    assert not policy.allows(account, policy.VIEW_PEOPLE, resident.person)
    deployment = cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.community,
                              starts_on=TODAY - datetime.timedelta(days=10))
    policy.forget(account)
    assert policy.allows(account, policy.VIEW_PEOPLE, resident.person)
    assert not policy.allows(account, policy.REVEAL, resident.person)  # a cadre sees, masked
    deployment_end(actor=city.users["commander"], deployment=deployment, on=TODAY - datetime.timedelta(days=1))
    policy.forget(account)
    assert not policy.allows(account, policy.VIEW_PEOPLE, resident.person)


def test_one_cadres_deployments_never_overlap(city, cadre):
    cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.community, starts_on=TODAY,
                 ends_on=TODAY + datetime.timedelta(days=30))
    with pytest.raises(ValidationError, match="已派驻"):
        cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.sibling_community,
                     starts_on=TODAY + datetime.timedelta(days=10))
    assert Deployment.objects.filter(cadre=cadre).count() == 1
    later = cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.sibling_community,
                         starts_on=TODAY + datetime.timedelta(days=31))
    assert later.area == city.sibling_community


def test_groups_cover_grids_of_their_community_and_the_gaps_show(city, cadre, client_for):
    cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.community, starts_on=TODAY)
    far_grid = Area.objects.filter(level="grid", path__startswith=city.other_district.path).first()
    with pytest.raises(ValidationError):
        deployment_group_create(actor=city.users["secretary"], community=city.community, name="一组",
                                grids=[city.grid, far_grid])
    deployment_group_create(actor=city.users["secretary"], community=city.community, name="一组", grids=[city.grid])
    page = client_for("secretary").get(f"/areas/{city.community.pk}/deployments/").content.decode()
    gaps = page[page.index('data-testid="gaps"'):]
    assert city.sibling_grid.name in gaps and "一组" in gaps  # an uncovered grid; a group without a leader
    assert cadre.person.name in page


def test_the_figure_counts_who_is_sent_today(city, cadre):
    before = figure_table(actor=city.users["commander"], area=city.city, codes=["cadres_deployed"]).total
    cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.community, starts_on=TODAY)
    after = figure_table(actor=city.users["commander"], area=city.city, codes=["cadres_deployed"]).total
    assert after["cadres_deployed"] == before["cadres_deployed"] + 1


def test_deploying_is_for_the_desk_where_it_applies(city, cadre, client_for):
    url = f"/areas/{city.community.pk}/deployments/"
    assert client_for("secretary").get(url).status_code == 200
    assert client_for("grid").get(url).status_code == 403
    assert client_for("secretary2").get(url).status_code == 404
    # The district's cadres are the organization department's to send, not the community's.
    assert client_for("secretary").post(url, {"cadre": cadre.pk, "starts_on": TODAY.isoformat()}).status_code == 400
    response = client_for("commander").post(url, {"cadre": cadre.pk, "starts_on": TODAY.isoformat()})
    assert response.status_code == 302 and Deployment.objects.filter(cadre=cadre, area=city.community).exists()


def test_the_organization_departments_spreadsheet_registers_and_updates_cadres(city, tmp_path):
    from frontline.core.imports import import_apply, import_check, importer_for
    from frontline.core.validators import id_check_char

    def make_id(seq):
        first17 = f"11010519750101{seq:03d}"
        return first17 + id_check_char(first17)

    existing = Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True,
                                       person__id_number__isnull=False).first().person
    path = tmp_path / "干部名册.csv"
    path.write_text("姓名,身份证号,工作单位,单位区划代码,职级,职务\n"
                    f"孙一,{make_id(1)},区卫健局,{city.district.code},乡科级,科长\n"
                    f"{existing.name},{existing.id_number},区教育局,{city.district.code},科员,\n"
                    f"孙二,{make_id(1)},区卫健局,{city.district.code},乡科级,\n"
                    f"孙三,{make_id(3)},区卫健局,{city.district.code},大领导,\n", encoding="utf-8")
    importer, commander = importer_for("cadres"), city.users["commander"]
    result, _t, _m = import_check(importer=importer, actor=commander, area=city.city, path=path, filename=path.name)
    assert {(p.row, p.column) for p in result.problems if p.severity == "error"} == {(4, "身份证号"), (5, "职级")}
    path.write_text("姓名,身份证号,工作单位,单位区划代码,职级\n"
                    f"孙一,{make_id(1)},区卫健局,{city.district.code},乡科级\n"
                    f"{existing.name},{existing.id_number},区教育局,{city.district.code},科员\n", encoding="utf-8")
    counts, _r = import_apply(importer=importer, actor=commander, area=city.city, path=path, filename=path.name)
    assert counts["cadres_created"] == 2
    assert Cadre.objects.get(person=existing).home_unit == "区教育局"  # the known person, not a second one
    path.write_text(f"姓名,身份证号,工作单位,单位区划代码,职级\n孙一,{make_id(1)},区应急局,{city.district.code},县处级\n",
                    encoding="utf-8")
    counts, _r = import_apply(importer=importer, actor=commander, area=city.city, path=path, filename=path.name)
    assert counts["cadres_updated"] == 1 and Cadre.objects.get(person__id_number=make_id(1)).rank == "county"


def test_the_deployments_page_counts_by_rank_and_home_unit(city, cadre, client_for):
    cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.community, starts_on=TODAY)
    page = client_for("secretary").get(f"/areas/{city.community.pk}/deployments/").content.decode()
    assert "区卫健局 1" in page[page.index('data-testid="by-unit"'):]
