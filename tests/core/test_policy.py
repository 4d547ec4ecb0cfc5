"""The access policy: one table of role → action → scope, assignments with periods, services that refuse
what the policy refuses whoever calls them, and the page that shows the policy."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from frontline.areas.models import Household
from frontline.core import policy
from frontline.core.models import Assignment, User, WorkOrder
from frontline.core.services import work_order_comment
from frontline.grid.models import HouseholdVisit, ScreeningCampaign
from frontline.grid.questions import STANDARD_QUESTIONS
from frontline.grid.services import household_visit_record, screening_campaign_create
from frontline.people.models import Resident
from tests.access import api_client

NOT_FOR_VISITS = ["volunteer", "courier", "inspector", "enterprise"]


@pytest.fixture
def person(city):
    return Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True,
                                   person__id_number__isnull=False).first().person


@pytest.fixture
def campaign(city):
    today = timezone.localdate()
    return screening_campaign_create(actor=city.users["secretary"], name="敲门", areas=[city.community],
                                     starts_on=today, ends_on=today, form=STANDARD_QUESTIONS)


def test_two_assignments_give_each_its_own_rights_at_its_own_place(city, person):
    """A grid worker in grid A who is also a cadre sent to another community reveals in A, not there."""
    user = User.objects.create(username="both", role="grid_worker", area=city.grid)
    start = datetime.date(2022, 3, 1)
    Assignment.objects.create(user=user, role="grid_worker", area=city.grid, valid_from=start)
    Assignment.objects.create(user=user, role="cadre", area=city.sibling_community, valid_from=start)
    elsewhere = Resident.objects.filter(household__building__area__path__startswith=city.sibling_community.path,
                                        moved_out__isnull=True).first().person
    assert policy.allows(user, policy.REVEAL, person)
    assert not policy.allows(user, policy.REVEAL, elsewhere)
    assert policy.allows(user, policy.VIEW_PEOPLE, elsewhere)  # the cadre's part: see, masked


def test_an_assignment_that_ended_gives_nothing_and_one_not_begun_gives_nothing_yet(city, person, client_for):
    user = User.objects.create(username="sent", role="cadre", area=city.community)
    today = timezone.localdate()
    assignment = Assignment.objects.create(user=user, role="cadre", area=city.community,
                                           valid_from=today - datetime.timedelta(days=30),
                                           valid_until=today - datetime.timedelta(days=1))
    assert not policy.allows(user, policy.VIEW_PEOPLE, person)
    assert client_for("sent").get(f"/people/{person.pk}/").status_code == 403
    assignment.valid_from, assignment.valid_until = today + datetime.timedelta(days=1), None
    assignment.save()
    policy.forget(user)
    assert not policy.allows(user, policy.VIEW_PEOPLE, person)
    assignment.valid_from = today
    assignment.save()
    policy.forget(user)
    assert policy.allows(user, policy.VIEW_PEOPLE, person)
    assert client_for("sent").get(f"/people/{person.pk}/").status_code == 200


@pytest.mark.parametrize("username", NOT_FOR_VISITS)
def test_roles_without_visits_cannot_record_one_anywhere(city, campaign, username):
    """Found by probing: these roles recorded visits (page and API), which also made revisit orders."""
    household = Household.objects.filter(building__area=city.grid).first()
    before = HouseholdVisit.objects.count(), WorkOrder.objects.count()
    with pytest.raises(PermissionDenied):
        household_visit_record(actor=city.users[username], campaign=campaign, household=household, outcome="nobody_home")
    page = api_client(username)
    url = f"/api/v1/campaigns/{campaign.pk}/households/{household.pk}/visits"
    assert page.post(url, json.dumps({"outcome": "nobody_home"}), content_type="application/json").status_code == 403
    from django.test import Client

    browser = Client()
    browser.force_login(city.users[username])
    assert browser.post(f"/campaigns/{campaign.pk}/visit/{household.pk}/", {"outcome": "nobody_home"}).status_code == 403
    assert (HouseholdVisit.objects.count(), WorkOrder.objects.count()) == before


def test_a_cadre_sent_to_the_community_records_visits_there(city, campaign):
    household = Household.objects.filter(building__area=city.grid).first()
    visit = household_visit_record(actor=city.users["cadre"], campaign=campaign, household=household,
                                   outcome="nobody_home")
    assert visit.pk and ScreeningCampaign.objects.filter(pk=campaign.pk).exists()


def test_seeing_a_work_order_is_not_enough_to_write_on_it(city, order):
    """Found by probing: every role commented on any work order in its scope."""
    with pytest.raises(PermissionDenied):
        work_order_comment(actor=city.users["cadre"], order=order, note="看到了")
    assert not order.events.filter(action="commented").exists()
    work_order_comment(actor=city.users["grid"], order=order, note="今晚再去")
    assert order.events.filter(action="commented").count() == 1


def test_the_command_line_applies_the_same_policy_as_the_page(city, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("姓名,身份证号,楼栋,房号\n张三,110105198001010016,1栋,101\n", encoding="utf-8")
    for username in ["courier", "grid", "volunteer"]:
        with pytest.raises(CommandError, match="may not import"):
            call_command("import_file", "roster", str(path), "--dry-run", "--user", username, "--area", city.grid.code)


def test_the_policy_page_shows_every_role_and_what_it_may_do(city, client_for):
    page = client_for("grid").get("/access/").content.decode()
    for role, _label, _granted in policy.table():
        assert f'data-testid="role-{role}"' in page
    assert "导出脱敏名单" in page and "登记入户排查" in page
    courier_row = page[page.index('data-testid="role-courier"'):].split("</tr>")[0]
    assert "随相应模块上线" in courier_row


def test_navigation_offers_only_what_the_role_may_use(city, client_for):
    volunteer = client_for("volunteer").get("/").content.decode()
    assert 'href="/inbox/"' in volunteer
    for href in ['href="/areas/"', 'href="/people/search/"', 'href="/campaigns/"', 'href="/messages/"']:
        assert href not in volunteer, href
    courier = client_for("courier").get("/").content.decode()
    assert 'data-testid="home-coming"' in courier and 'href="/inbox/"' not in courier
    inspector = client_for("inspector").get("/").content.decode()
    assert 'href="/areas/"' in inspector and 'href="/people/search/"' not in inspector


def test_reveal_roles_setting_narrows_the_policy(city, person, settings):
    settings.FRONTLINE_REVEAL_ROLES = ["commander"]
    assert not policy.allows(city.users["secretary"], policy.REVEAL, person)
    assert policy.allows(city.users["commander"], policy.REVEAL, person)


def test_people_services_refuse_who_may_not_correct_records(city, person):
    """A grid worker records visits; correcting a person's record, home or membership is the desk's."""
    from frontline.people.services import person_update, resident_move_out

    home = Resident.objects.get(person=person, moved_out__isnull=True)
    for username in ["grid", "cadre", "volunteer", "secretary2"]:
        with pytest.raises(PermissionDenied):
            person_update(actor=city.users[username], person=person, name="改名")
        with pytest.raises(PermissionDenied):
            resident_move_out(actor=city.users[username], resident=home, moved_out=home.moved_in)
    person.refresh_from_db()
    assert person.name != "改名" and Resident.objects.filter(pk=home.pk, moved_out__isnull=True).exists()
    person_update(actor=city.users["secretary"], person=person, name="改名")
    person.refresh_from_db()
    assert person.name == "改名"


def test_places_are_made_by_who_may_correct_records_there(city):
    from frontline.areas.services import area_create, building_create

    with pytest.raises(PermissionDenied):
        building_create(actor=city.users["grid"], grid=city.grid, name="99栋")
    with pytest.raises(PermissionDenied):
        building_create(actor=city.users["secretary2"], grid=city.grid, name="99栋")
    with pytest.raises(PermissionDenied):
        area_create(actor=city.users["commander"], parent=None, name="另一个市", code="419000000000")
    assert building_create(actor=city.users["secretary"], grid=city.grid, name="99栋").area == city.grid
