import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from frontline.areas.models import Household
from frontline.core.models import WorkOrder
from frontline.core.selectors import inbox
from frontline.grid.models import HouseholdVisit, ScreeningCampaign, SpecialNeed
from frontline.grid.questions import STANDARD_QUESTIONS
from frontline.grid.selectors import campaign_progress, household_residents_with_history, special_needs_priority
from frontline.grid.services import household_visit_record, screening_campaign_create
from tests.access import assert_access, assert_listed

TODAY = datetime.date.today()


def _answers(household, **overrides):
    return {r.person_id: {"present": "1", "temperature": "36.5", "vaccination_doses": "3", **overrides}
            for r in household.residents.filter(moved_out__isnull=True)}


def _form_data(client, campaign, household, **values):
    """The visit form as a phone would post it: the pre-filled values, with some changed."""
    page = client.get(f"/campaigns/{campaign.pk}/visit/{household.pk}/").content.decode()
    data = {}
    for name, value in re.findall(r'<input class="form-control" name="(r\d+-\w+)" id="[^"]+" value="([^"]*)"', page):
        data[name] = value
    for name in re.findall(r'name="(r\d+-present)"[^>]*checked', page):
        data[name] = "1"
    for key, value in values.items():
        for name in [n for n in list(data) + re.findall(r'name="(r\d+-\w+)"', page) if n.endswith(f"-{key}")]:
            data[name] = value
    return data


def test_campaign_pages_follow_the_access_matrix(city, client_for, campaign, household):
    seen = ["grid", "secretary", "street", "commander"]
    hidden = ["secretary2", "district2"]
    assert_access(client_for, f"/campaigns/{campaign.pk}/", sees=seen, hidden=hidden)
    assert_access(client_for, f"/campaigns/{campaign.pk}/todo/", sees=seen, hidden=hidden)
    assert_access(client_for, f"/campaigns/{campaign.pk}/visit/{household.pk}/", sees=seen, hidden=hidden + ["grid2"])
    assert_listed(client_for, "/campaigns/", f'href="/campaigns/{campaign.pk}/"', sees=seen + ["grid2"], hidden=hidden)
    assert_access(client_for, f"/areas/{city.grid.pk}/special-needs/", sees=seen, hidden=["grid2", "secretary2"])


def test_recording_a_visit_moves_the_progress_and_empties_the_todo(city, client_for, campaign, household):
    client = client_for("grid")
    before, _ = campaign_progress(campaign=campaign, area=city.grid)
    todo = client.get(f"/campaigns/{campaign.pk}/todo/?area={city.grid.pk}").content.decode()
    assert f'/visit/{household.pk}/"' in todo
    response = client.post(f"/campaigns/{campaign.pk}/visit/{household.pk}/",
                           {**_form_data(client, campaign, household, temperature="36.6"), "outcome": "visited"})
    assert response.status_code == 302
    after, _ = campaign_progress(campaign=campaign, area=city.grid)
    residents = household.residents.filter(moved_out__isnull=True).count()
    assert (after.visited, after.screened) == (before.visited + 1, before.screened + residents)
    assert f'/visit/{household.pk}/"' not in client.get(f"/campaigns/{campaign.pk}/todo/?area={city.grid.pk}").content.decode()
    community, _ = campaign_progress(campaign=campaign, area=city.community)
    area_page = client_for("secretary").get(f"/areas/{city.community.pk}/").content.decode()
    assert f'data-testid="campaign-progress-{campaign.pk}">{community.visited} / {community.households}<' in area_page
    assert community.visited >= 1


def test_bad_answers_are_named_by_resident_and_question_and_nothing_is_written(city, client_for, campaign, household):
    first = household.residents.select_related("person").first().person
    answers = _answers(household)
    answers[first.pk]["temperature"] = "50"
    with pytest.raises(ValidationError) as e:
        household_visit_record(actor=city.users["grid"], campaign=campaign, household=household, outcome="visited",
                               answers=answers)
    assert any(first.name in m and "体温" in m for m in e.value.messages)
    assert not HouseholdVisit.objects.filter(household=household).exists()
    page = client_for("grid").post(f"/campaigns/{campaign.pk}/visit/{household.pk}/",
                                   {**_form_data(client_for("grid"), campaign, household, vaccination_doses="三"),
                                    "outcome": "visited"})
    assert page.status_code == 400 and "不是数字" in page.content.decode()


def test_a_household_is_visited_once_per_campaign(city, campaign, household):
    household_visit_record(actor=city.users["grid"], campaign=campaign, household=household, outcome="visited",
                           answers=_answers(household))
    with pytest.raises(ValidationError) as e:
        household_visit_record(actor=city.users["grid"], campaign=campaign, household=household, outcome="visited",
                               answers=_answers(household))
    assert "已" in e.value.messages[0]
    assert HouseholdVisit.objects.filter(household=household).count() == 1


def test_nobody_home_puts_one_revisit_in_the_grid_inbox_and_a_visit_closes_it(city, campaign, household):
    for _ in range(2):
        household_visit_record(actor=city.users["grid"], campaign=campaign, household=household, outcome="nobody_home")
    revisits = WorkOrder.objects.filter(kind="revisit", subject_id=household.pk)
    assert revisits.count() == 1
    assert revisits.get() in inbox(actor=city.users["grid"]) and revisits.get() not in inbox(actor=city.users["grid2"])
    household_visit_record(actor=city.users["grid"], campaign=campaign, household=household, outcome="visited",
                           answers=_answers(household))
    assert revisits.get().status == "done"


def test_special_needs_are_kept_up_to_date_and_followed_up(city, campaign, household):
    person = household.residents.first().person
    answers = _answers(household)
    answers[person.pk]["special_needs"] = ["dialysis"]
    household_visit_record(actor=city.users["grid"], campaign=campaign, household=household, outcome="visited",
                           answers=answers)
    need = SpecialNeed.objects.get(person=person, resolved_on__isnull=True)
    assert need.kind == "dialysis"
    assert list(special_needs_priority(actor=city.users["grid"], area=city.grid))[0] == need
    followup = WorkOrder.objects.get(kind="special_need_followup", subject_id=person.pk)
    assert followup in inbox(actor=city.users["grid"])
    later = screening_campaign_create(actor=city.users["secretary"], name="复查", areas=[city.grid], starts_on=TODAY,
                                      ends_on=TODAY, form=STANDARD_QUESTIONS)
    answers[person.pk]["special_needs"] = []
    household_visit_record(actor=city.users["grid"], campaign=later, household=household, outcome="visited",
                           answers=answers)
    need.refresh_from_db()
    assert need.resolved_on == TODAY


def test_the_visit_form_is_prefilled_from_what_is_known(city, campaign, household):
    household_visit_record(actor=city.users["grid"], campaign=campaign, household=household, outcome="visited",
                           answers=_answers(household, vaccination_doses="2"))
    later = screening_campaign_create(actor=city.users["secretary"], name="第二轮", areas=[city.grid], starts_on=TODAY,
                                      ends_on=TODAY, form=STANDARD_QUESTIONS)
    _residents, prefill = household_residents_with_history(household=household, campaign=later)
    assert all(known["vaccination_doses"] == 2 for known in prefill.values())
    assert all("temperature" not in known for known in prefill.values())  # measured anew each time


def test_campaign_form_is_defined_per_campaign(city, client_for):
    client = client_for("secretary")
    response = client.post("/campaigns/new/", {
        "name": "核酸结果排查", "starts_on": TODAY, "ends_on": TODAY, "areas": [city.community.pk],
        "questions": ["present"], "custom": "核酸结果|choice|阴性,阳性,未检测\n是否需要上门采样|boolean"})
    assert response.status_code == 302
    created = ScreeningCampaign.objects.get(name="核酸结果排查")
    assert [q["label"] for q in created.form] == ["在家", "核酸结果", "是否需要上门采样"]
    assert created.form[1]["choices"] == ["阴性", "阳性", "未检测"]
    bad = client.post("/campaigns/new/", {"name": "x", "starts_on": TODAY, "ends_on": TODAY - datetime.timedelta(days=1),
                                          "areas": [city.community.pk], "custom": "体温|thermometer"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "第1行" in body and "结束" in body
    assert client_for("grid").get("/campaigns/new/").status_code == 403


def test_sending_unvisited_households_to_inboxes_is_idempotent(city, client_for, campaign):
    client = client_for("secretary")
    client.post(f"/campaigns/{campaign.pk}/revisit-orders/?area={city.grid.pk}")
    count = WorkOrder.objects.filter(kind="revisit", area=city.grid).count()
    assert count == Household.objects.filter(building__area=city.grid).count()
    client.post(f"/campaigns/{campaign.pk}/revisit-orders/?area={city.grid.pk}")
    assert WorkOrder.objects.filter(kind="revisit", area=city.grid).count() == count


def test_households_outside_the_campaign_cannot_be_visited(city, client_for, campaign):
    other = Household.objects.exclude(building__area__path__startswith=city.community.path).first()
    assert client_for("commander").get(f"/campaigns/{campaign.pk}/visit/{other.pk}/").status_code == 404


def test_only_desk_roles_send_unvisited_households_to_inboxes(city, client_for, campaign):
    assert client_for("grid").post(f"/campaigns/{campaign.pk}/revisit-orders/").status_code == 403
    assert client_for("secretary2").post(f"/campaigns/{campaign.pk}/revisit-orders/").status_code == 404
    assert not WorkOrder.objects.filter(kind="revisit").exists()
