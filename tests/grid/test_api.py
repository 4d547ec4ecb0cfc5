"""Door to door through the API: campaigns, progress, the households to visit, the form and the visit."""

import json

from frontline.core.models import WorkOrder
from frontline.grid.models import HouseholdVisit
from frontline.grid.questions import STANDARD_QUESTIONS
from frontline.grid.services import screening_campaign_create
from tests.access import api_client, assert_access, assert_listed

SEES = ["grid", "secretary", "street", "commander"]
HIDDEN = ["secretary2", "district2"]


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def visit_url(campaign, household):
    return f"/api/v1/campaigns/{campaign.pk}/households/{household.pk}/visit"


def test_campaign_endpoints_follow_the_access_matrix(city, client_for, campaign, household):
    assert_access(client_for, f"/api/v1/campaigns/{campaign.pk}", sees=SEES, hidden=HIDDEN, api=True)
    assert_access(client_for, f"/api/v1/campaigns/{campaign.pk}/to-visit", sees=SEES, hidden=HIDDEN, api=True)
    assert_access(client_for, visit_url(campaign, household), sees=SEES, hidden=HIDDEN + ["grid2"], api=True)
    assert_access(client_for, f"/api/v1/campaigns/{campaign.pk}?area={city.grid.pk}", sees=SEES, hidden=["grid2"], api=True)
    assert_listed(client_for, "/api/v1/campaigns", f'"id": {campaign.pk},', sees=SEES + ["grid2"], hidden=HIDDEN, api=True)
    assert_listed(client_for, f"/api/v1/campaigns/{campaign.pk}/to-visit?area={city.community.pk}&limit=500",
                  f'"id": {household.pk},', sees=["secretary", "street", "commander"], hidden=[], api=True)


def test_the_form_carries_the_questions_and_the_residents_masked(city, campaign, household):
    data = api_client("grid").get(visit_url(campaign, household)).json()
    assert [q["key"] for q in data["form"]] == [q["key"] for q in STANDARD_QUESTIONS]
    residents = household.residents.filter(moved_out__isnull=True)
    assert sorted(r["person"]["id"] for r in data["residents"]) == sorted(r.person_id for r in residents)
    for resident in data["residents"]:
        assert resident["known"]["present"] is True
        number = resident["person"]["id_number_masked"]
        assert not number or "*" in number


def test_a_visit_through_the_api_moves_the_progress_and_leaves_the_list(city, campaign, household):
    client = api_client("grid")
    before = client.get(f"/api/v1/campaigns/{campaign.pk}?area={city.grid.pk}").json()["progress"]
    todo = client.get(f"/api/v1/campaigns/{campaign.pk}/to-visit?limit=500").json()
    assert household.pk in [h["id"] for h in todo["items"]]
    people = [r.person_id for r in household.residents.filter(moved_out__isnull=True)]
    answers = {str(pk): {"present": True, "temperature": "36.6", "vaccination_doses": 3} for pk in people}
    response = post(client, visit_url(campaign, household) + "s", {"outcome": "visited", "answers": answers})
    assert response.status_code == 201 and response.json()["screened"] == len(people)
    after = client.get(f"/api/v1/campaigns/{campaign.pk}?area={city.grid.pk}").json()["progress"]
    assert (after["visited"], after["screened"]) == (before["visited"] + 1, before["screened"] + len(people))
    todo = client.get(f"/api/v1/campaigns/{campaign.pk}/to-visit?limit=500").json()
    assert household.pk not in [h["id"] for h in todo["items"]]
    again = post(client, visit_url(campaign, household) + "s", {"outcome": "visited", "answers": answers})
    assert again.status_code == 422 and "已" in again.json()["detail"][0]


def test_bad_answers_are_named_and_nothing_is_written(city, campaign, household):
    first = household.residents.select_related("person").filter(moved_out__isnull=True).first().person
    answers = {str(first.pk): {"present": True, "temperature": "高烧", "vaccination_doses": 2.5}}
    response = post(api_client("grid"), visit_url(campaign, household) + "s", {"outcome": "visited", "answers": answers})
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert len(problems) == 2 and all(p.startswith(first.name) for p in problems)
    assert not HouseholdVisit.objects.filter(campaign=campaign, household=household).exists()


def test_nobody_home_puts_a_revisit_in_the_inbox(city, campaign, household):
    client = api_client("grid")
    assert post(client, visit_url(campaign, household) + "s", {"outcome": "nobody_home"}).status_code == 201
    revisit = WorkOrder.objects.get(kind="revisit", subject_id=household.pk, status="open")
    assert revisit.pk in [o["id"] for o in client.get("/api/v1/inbox").json()["items"]]


def test_a_grid_worker_cannot_record_a_visit_in_another_grid(city, campaign, household):
    response = post(api_client("grid2"), visit_url(campaign, household) + "s", {"outcome": "nobody_home"})
    assert response.status_code == 404
    assert not HouseholdVisit.objects.filter(household=household).exists()


def test_door_to_door_lists_cost_the_same_queries_for_few_or_many_rows(city, campaign, django_assert_max_num_queries):
    for n in range(12):
        screening_campaign_create(actor=city.users["secretary"], name=f"第{n}轮", areas=[city.community],
                                  starts_on=campaign.starts_on, ends_on=campaign.ends_on, form=STANDARD_QUESTIONS)
    client = api_client("secretary")
    for limit in (2, 10):
        with django_assert_max_num_queries(8):
            assert len(client.get(f"/api/v1/campaigns?limit={limit}").json()["items"]) == limit
        with django_assert_max_num_queries(8):
            assert len(client.get(f"/api/v1/campaigns/{campaign.pk}/to-visit?limit={limit}").json()["items"]) == limit
