"""The sampling terminals' API over HTTP (frontline.epidemic.sampling_api): a batch and a bare record, retried
and overlapping uploads that never count twice, one bad record among 500 named by its client id, batches
refused whole (4xx), who may register where with which token, asking after records whose answer was lost,
and answers that never carry a full name or an ID number."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from frontline.areas.models import Site
from frontline.core.models import ApiToken, AuditLog, User
from frontline.epidemic import models as epidemic
from frontline.people.models import Person

from .conftest import record

UPLOAD = "/api/v1/testing/rounds/{round}/sites/{site}/samples"


@pytest.fixture
def api(testing):
    """The demo round moved around the present (the API's clock is the real one), and clients by token."""
    now = timezone.now()
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=2)
    epidemic.TestingRound.objects.filter(pk=testing.round.pk).update(starts_at=start, ends_at=end)
    epidemic.RoundSite.objects.filter(round=testing.round).update(opens_at=start, closes_at=end)
    testing.round.refresh_from_db()

    def client(username, purpose=""):
        _row, token = ApiToken.issue(user=User.objects.get(username=username), name="terminal", purpose=purpose)
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def upload(client, body, site=None, round_id=None, raw=False):
        url = UPLOAD.format(round=round_id or testing.round.pk, site=(site or testing.site).pk)
        response = client.post(url, body if raw else json.dumps(body), content_type="application/json")
        testing.bodies.append(response.content.decode())
        return response

    testing.client, testing.upload, testing.bodies = client, upload, []
    testing.collector_client = client("collector")
    return testing


def assert_masked(t, people):
    """No answer carried a full name or an ID number of anyone in the batches."""
    text = "\n".join(t.bodies)
    for person in people:
        assert person.id_number not in text
        assert person.name not in text, person.name


def test_a_collector_uploads_a_batch_and_sees_each_record_masked(api):
    people = api.people[:10]
    batch = [record(p, "API0000001") for p in people]
    response = api.upload(api.collector_client, {"records": batch})
    assert response.status_code == 200
    answer = response.json()
    assert (answer["received"], answer["accepted"], answer["duplicate"], answer["rejected"]) == (10, 10, 0, 0)
    assert [r["client_id"] for r in answer["results"]] == [r["client_id"] for r in batch]
    assert [r["tube_count"] for r in answer["results"]] == list(range(1, 11))
    assert answer["results"][0]["masked_name"].startswith(people[0].name[0]) and "*" in answer["results"][0]["masked_name"]
    assert epidemic.Sample.objects.filter(round=api.round, client_id__in=[r["client_id"] for r in batch],
                                          collector=api.collector).count() == 10
    assert AuditLog.objects.filter(note="samples registered", object_id=str(api.round.pk)).count() == 1
    # A bare record object is a batch of one.
    response = api.upload(api.collector_client, record(api.people[10], "API0000002"))
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "accepted"
    assert_masked(api, api.people[:11])


def test_a_batch_retried_three_times_and_overlapping_batches_count_once(api):
    people = api.people[:90]
    batch = [record(p, f"RTY{i // 10:07d}") for i, p in enumerate(people)]
    first = api.upload(api.collector_client, {"records": batch[:60]}).json()
    assert first["accepted"] == 60
    for _attempt in range(3):  # the answer was lost: the terminal sends the same batch again
        again = api.upload(api.collector_client, {"records": batch[:60]}).json()
        assert (again["accepted"], again["duplicate"], again["rejected"]) == (0, 60, 0)
        assert [r["sample_id"] for r in again["results"]] == [r["sample_id"] for r in first["results"]]
    overlapping = api.upload(api.collector_client, {"records": batch[30:]}).json()
    assert (overlapping["accepted"], overlapping["duplicate"]) == (30, 30)
    assert [r["status"] for r in overlapping["results"]] == ["duplicate"] * 30 + ["accepted"] * 30
    assert epidemic.Sample.objects.filter(round=api.round, client_id__in=[r["client_id"] for r in batch]).count() == 90
    assert sum(epidemic.Tube.objects.filter(round=api.round, code__startswith="RTY")
               .values_list("samples_count", flat=True)) == 90
    assert AuditLog.objects.filter(note="samples registered", object_id=str(api.round.pk)).count() == 5  # one a batch
    assert_masked(api, people)


def test_one_bad_record_among_500_is_named_and_the_others_land(api):
    people = list(Person.objects.filter(id_number__isnull=False).order_by("id")[:500])
    batch = [record(p, f"BLK{i // 10:07d}") for i, p in enumerate(people)]
    bad = batch[321]
    bad["tube_code"] = "no good!"
    terminal = api.client("commander", purpose="samples:write")  # a machine token issued by the city's commander
    answer = api.upload(terminal, {"records": batch}).json()
    assert (answer["accepted"], answer["rejected"]) == (499, 1)
    (rejected,) = [r for r in answer["results"] if r["status"] == "rejected"]
    assert rejected["client_id"] == bad["client_id"] and rejected["field"] == "tube_code" and rejected["reason"]
    assert epidemic.Sample.objects.filter(round=api.round, client_id__in=[r["client_id"] for r in batch]).count() == 499
    # The same batch, the bad record mended: the 499 are duplicates, the one lands.
    bad["tube_code"] = "BLK9999999"
    answer = api.upload(terminal, {"records": batch}).json()
    assert (answer["accepted"], answer["duplicate"], answer["rejected"]) == (1, 499, 0)
    assert_masked(api, people)


def test_a_batch_wholly_wrong_is_refused_whole(api, settings):
    upload, collector = api.upload, api.collector_client
    assert upload(collector, {"records": []}).status_code == 400
    assert upload(collector, b"{not json", raw=True).status_code == 400
    assert upload(collector, {"records": "A1"}).status_code == 422
    assert upload(collector, ["a list"]).status_code == 422
    settings.FRONTLINE_SAMPLE_BATCH_MAX = 5
    too_many = upload(collector, {"records": [record(p) for p in api.people[:6]]})
    assert too_many.status_code == 413 and "5" in too_many.json()["detail"]
    settings.FRONTLINE_SAMPLE_BATCH_MAX = 1000
    assert upload(collector, {"records": [record(api.people[0])]}, round_id=999999).status_code == 404
    epidemic.TestingRound.objects.filter(pk=api.round.pk).update(status="planned")
    assert upload(collector, {"records": [record(api.people[0], "PLAN000001")]}).status_code == 409
    assert not epidemic.Sample.objects.filter(round=api.round).exists()
    assert not epidemic.Tube.objects.filter(round=api.round).exists()


def test_who_may_register_where_and_with_which_token(api, city):
    person = api.people[0]
    # Another testing site of the round, in the sibling grid: not the collector's.
    other_site = Site.objects.create(kind="testing", name="别处采样点", area=city.sibling_grid)
    epidemic.RoundSite.objects.create(round=api.round, site=other_site, opens_at=api.round.starts_at,
                                      closes_at=api.round.ends_at)
    refused = api.upload(api.collector_client, {"records": [record(person, "WHO0000001")]}, site=other_site)
    assert refused.status_code == 404  # not a site of theirs: alike with "missing"
    far = Site.objects.filter(kind="testing", area__path__startswith=city.other_district.path).first() or \
        Site.objects.create(kind="testing", name="外区采样点", area=city.other_district)
    assert api.upload(api.collector_client, {"records": [record(person, "WHO0000001")]}, site=far).status_code == 404
    for username, purpose in [("commander", "figures:read"), ("transporter", ""), ("lab", ""), ("volunteer", "")]:
        response = api.upload(api.client(username, purpose), {"records": [record(person, "WHO0000001")]})
        assert response.status_code == 403, (username, purpose)
        assert api.client(username, purpose).get("/api/v1/testing/rounds").status_code == 403
    assert Client().post(UPLOAD.format(round=api.round.pk, site=api.site.pk), "{}",
                         content_type="application/json").status_code == 401
    assert not epidemic.Sample.objects.filter(person=person).exists()
    # The collector at their own site, and a desk's samples:write terminal at the other site.
    assert api.upload(api.collector_client, {"records": [record(person, "WHO0000001")]}).json()["accepted"] == 1
    terminal = api.client("secretary", purpose="samples:write")
    answer = api.upload(terminal, {"records": [record(api.people[1], "WHO0000002")]}, site=other_site).json()
    assert answer["accepted"] == 1


def test_a_terminal_starts_with_its_rounds_and_sites(api):
    places = api.collector_client.get("/api/v1/testing/rounds").json()
    assert places["count"] == 1
    (place,) = places["items"]
    assert (place["round_id"], place["site_id"], place["pool_size"]) == (api.round.pk, api.site.pk, api.round.pool_size)
    assert place["site_name"] == api.site.name and place["round_status"] == "open" and place["opens_at"]
    commander = api.client("commander", purpose="samples:write").get("/api/v1/testing/rounds").json()
    assert (api.round.pk, api.site.pk) in {(p["round_id"], p["site_id"]) for p in commander["items"]}
    epidemic.TestingRound.objects.filter(pk=api.round.pk).update(status="closed")
    assert api.collector_client.get("/api/v1/testing/rounds").json()["count"] == 0


def test_a_terminal_asks_what_became_of_records_after_a_lost_answer(api, city):
    batch = [record(p, "ASK0000001") for p in api.people[:3]]
    api.upload(api.collector_client, {"records": batch[:2]})  # the answer never reached the terminal
    other_site = Site.objects.create(kind="testing", name="别处采样点", area=city.sibling_grid)
    epidemic.RoundSite.objects.create(round=api.round, site=other_site, opens_at=api.round.starts_at,
                                      closes_at=api.round.ends_at)
    elsewhere = record(api.people[5], "ASK0000002")
    api.upload(api.client("secretary"), {"records": [elsewhere]}, site=other_site)
    asked = ",".join([r["client_id"] for r in batch] + [elsewhere["client_id"]])
    response = api.collector_client.get(f"/api/v1/testing/rounds/{api.round.pk}/samples?client_ids={asked}")
    api.bodies.append(response.content.decode())
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["status"] for i in items] == ["registered", "registered", "unknown", "unknown"]  # another site's: not theirs
    assert items[0]["tube_code"] == "ASK0000001" and "*" in items[0]["masked_name"]
    secretary = api.client("secretary").get(f"/api/v1/testing/rounds/{api.round.pk}/samples?client_ids={asked}")
    api.bodies.append(secretary.content.decode())
    assert [i["status"] for i in secretary.json()["items"]] == ["registered", "registered", "unknown", "registered"]
    assert api.client("district2").get(
        f"/api/v1/testing/rounds/{api.round.pk}/samples?client_ids={asked}").status_code == 404
    assert api.collector_client.get(f"/api/v1/testing/rounds/{api.round.pk}/samples?client_ids=").status_code == 422
    assert_masked(api, api.people[:6])
