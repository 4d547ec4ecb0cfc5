"""Hostile calls to the testing APIs: ids no key can hold (beyond a bigint: SQLite overflowed into a 500), a
batch wholly refused answers in Chinese."""

import json

import pytest
from django.test import Client

from frontline.core.models import ApiToken, User

HUGE = "99999999999999999999"


def _client(username, purpose):
    _row, token = ApiToken.issue(user=User.objects.get(username=username), name="walk", purpose=purpose)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("path", [
    f"/api/v1/testing/rounds/{HUGE}/sites/1/samples",
    f"/api/v1/testing/rounds/1/sites/{HUGE}/samples",
    f"/api/v1/testing/rounds/-{HUGE}/sites/1/samples",
])
def test_a_sample_upload_to_an_id_beyond_any_key_is_not_found(city, path):
    response = _client("collector", "samples:write").post(
        path, json.dumps({"records": [{"client_id": "a", "tube_code": "T1"}]}), content_type="application/json")
    assert response.status_code == 404


def test_asking_about_samples_of_an_id_beyond_any_key_is_not_found(city):
    client = _client("collector", "samples:write")
    assert client.get(f"/api/v1/testing/rounds/{HUGE}/samples", {"client_ids": "a"}).status_code == 404
    assert client.get("/api/v1/testing/rounds/1/samples", {"client_ids": "a", "site_id": HUGE}).status_code == 404


def test_results_for_an_id_beyond_any_key_are_not_found_and_a_refused_batch_says_why_in_chinese(city):
    client = _client("commander", "results:write")
    body = json.dumps([{"tube_code": "T0000000", "result": "阴性"}])
    assert client.post(f"/api/v1/testing/rounds/{HUGE}/results", body,
                       content_type="application/json").status_code == 404
    from frontline.epidemic.models import TestingRound

    testing_round = TestingRound.objects.get(staff__user__username="collector")
    refused = client.post(f"/api/v1/testing/rounds/{testing_round.pk}/results",
                          json.dumps([{"tube_code": "NOPE!", "result": "可疑"}]), content_type="application/json")
    assert refused.status_code == 422 and refused.json()["detail"] == "全部记录均被拒绝，未写入任何数据。"


def test_one_bad_field_in_a_results_batch_rejects_that_record_only(city):
    from frontline.epidemic.models import Tube

    client = _client("commander", "results:write")
    testing_round, tube = _round_and_tube()
    records = [{"tube_code": tube.code, "result": "阴性", "reported_at": "2022-04-03T12:00:00+08:00"},
               {"tube_code": tube.code, "result": "阴性", "reported_at": "garbage"},
               {"tube_code": 12345, "result": None},
               {"tube_code": tube.code, "result": "阴性", "reported_at": "2022-02-30T10:00:00"}]
    response = client.post(f"/api/v1/testing/rounds/{testing_round.pk}/results", json.dumps(records),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected", "rejected"]
    assert "garbage" in results[1]["reason"] and "12345" in results[2]["reason"]
    assert results[1]["reason"].startswith("检测时间") and results[3]["reason"].startswith("检测时间")
    assert "检测结果" in results[2]["reason"]  # named by column, in Chinese
    assert Tube.objects.get(pk=tube.pk).result == "negative"


def _round_and_tube():
    from frontline.epidemic.models import RoundSite, TestingRound, Tube

    testing_round = TestingRound.objects.get(staff__user__username="collector")
    site = RoundSite.objects.filter(round=testing_round).first().site
    tube = Tube.objects.create(round=testing_round, code="WALK0001", site=site, pool_size=10, samples_count=1,
                               opened_at=testing_round.starts_at)
    return testing_round, tube


def test_a_sample_upload_over_the_size_limit_says_so_in_chinese(city, settings):
    from frontline.epidemic.models import RoundSite, TestingRound

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    testing_round = TestingRound.objects.get(staff__user__username="collector")
    site = RoundSite.objects.filter(round=testing_round).first().site
    body = json.dumps({"records": [{"client_id": f"c{i}", "tube_code": "T0000001"} for i in range(40000)]})
    assert len(body) > 1024 * 1024
    response = _client("collector", "samples:write").post(
        f"/api/v1/testing/rounds/{testing_round.pk}/sites/{site.pk}/samples", body, content_type="application/json")
    assert response.status_code == 413 and "请分成较小的批次上传" in response.json()["detail"]
