"""Results by tube code for a round: files (CSV in UTF-8 or GBK, .xlsx), the API's batches, results held for
review, and what a positive tube sets going."""

import datetime
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from openpyxl import Workbook

from frontline.core.imports import ImportProblems
from frontline.core.models import ApiToken, AuditLog, WorkOrder, WorkOrderEvent
from frontline.epidemic.models import Case, Result, ResultReview, Retest, Sample, Tube
from frontline.epidemic.results import (
    RESAMPLE,
    mask_name,
    positives_follow_up,
    result_review_decide,
    results_apply,
    results_check,
    retests_close_for,
)
from frontline.people.models import Person

from .results_fixtures import T0, demo_round, grid_people, lab_of, other_lab_staff, site_in, tube_with

NOW = T0 + datetime.timedelta(hours=10)


@pytest.fixture
def r(city):
    """The demo round with three pooled tubes of the demo grid's people at the laboratory, and one single
    tube (a pool of one)."""
    testing_round = demo_round(city)
    site = site_in(city.community)
    lab = lab_of()
    people = grid_people(city.grid, 31)
    tubes = [tube_with(testing_round, f"T{n:07d}", people[n * 10:(n + 1) * 10], site=site, grid=city.grid,
                       laboratory=lab) for n in range(3)]
    single = tube_with(testing_round, "S0000001", people[30:31], site=site, grid=city.grid, pool_size=1, laboratory=lab)
    return type("R", (), {"round": testing_round, "site": site, "lab": lab, "tubes": tubes, "single": single,
                          "people": people})


def _csv(tmp_path, lines, encoding="utf-8", name="results.csv"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _apply(city, r, path, user="secretary", now=NOW):
    return results_apply(actor=city.users[user], testing_round=r.round, path=path, filename=path.name, now=now)


def _results():
    return dict(Tube.objects.values_list("code", "result"))


def test_a_file_sets_results_and_the_same_file_again_changes_nothing(city, r, tmp_path):
    path = _csv(tmp_path, ["样本编号,结果,报告时间,检测机构", "T0000000,阴性,2022-04-03 12:00,市第一检测中心",
                           "T0000001,阴,2022/4/3 12:05,市第一检测中心", "T0000002,无效,2022-04-03,市第一检测中心"])
    counts, result = _apply(city, r, path)
    assert counts["set"] == 3 and counts["held"] == 0 and result.total_rows == 3
    assert _results()["T0000000"] == "negative" and _results()["T0000002"] == "invalid"
    tube = Tube.objects.get(code="T0000001")
    assert tube.result_source == "市第一检测中心" and tube.result_at.hour in (4, 12)  # stored in UTC
    before = (list(Tube.objects.order_by("id").values_list("result", "result_at", "result_source")),
              ResultReview.objects.count(), WorkOrder.objects.count())
    counts, _result = _apply(city, r, path)
    assert counts["set"] == 0 and counts["unchanged"] == 3 and counts["held"] == 0
    assert (list(Tube.objects.order_by("id").values_list("result", "result_at", "result_source")),
            ResultReview.objects.count(), WorkOrder.objects.count()) == before
    assert AuditLog.objects.filter(note__startswith="results import results.csv").count() == 2


def test_a_different_result_is_held_for_review_never_written_over_the_first(city, r, tmp_path):
    _apply(city, r, _csv(tmp_path, ["试管编码,检测结果", "T0000000,阴性"], name="first.csv"))
    counts, _ = _apply(city, r, _csv(tmp_path, ["试管编码,检测结果,检测机构", "T0000000,阳性,复核实验室"], name="second.csv"))
    assert counts["held"] == 1 and counts["set"] == 0
    assert _results()["T0000000"] == "negative"
    review = ResultReview.objects.get(tube__code="T0000000")
    assert (review.result, review.status, review.source) == ("positive", "held", "复核实验室")
    assert not Retest.objects.exists()  # nothing follows from a result nobody accepted
    # The same second file again holds nothing more.
    counts, _ = _apply(city, r, _csv(tmp_path, ["试管编码,检测结果,检测机构", "T0000000,阳性,复核实验室"], name="second.csv"))
    assert counts["held"] == 0 and ResultReview.objects.count() == 1
    # The review page lists it for the desk; accepting replaces the result and follows the positive pool.
    page = Client()
    page.force_login(city.users["secretary"])
    listing = page.get(f"/testing/rounds/{r.round.pk}/results/reviews/")
    assert listing.status_code == 200 and "T0000000" in listing.content.decode()
    response = page.post(f"/testing/results/reviews/{review.pk}/accept/")
    assert response.status_code == 302
    assert _results()["T0000000"] == "positive"
    assert Retest.objects.filter(tube__code="T0000000").count() == 10
    assert AuditLog.objects.filter(action="update", content_type=ContentType.objects.get_for_model(Tube),
                                   object_id=str(r.tubes[0].pk)).exists()


def test_dismissing_a_held_result_keeps_the_first(city, r):
    Tube.objects.filter(pk=r.tubes[1].pk).update(result="negative", result_at=T0)
    review = ResultReview.objects.create(tube=r.tubes[1], result="invalid", source="lab")
    result_review_decide(actor=city.users["secretary"], review=review, accept=False)
    review.refresh_from_db()
    assert review.status == "dismissed" and _results()["T0000001"] == "negative"


def test_problems_are_listed_by_row_and_column_and_nothing_is_written(city, r, tmp_path):
    path = _csv(tmp_path, ["试管编码,检测结果,检测时间", "T0000000,阴性,2022-04-03 12:00", "T0000001,可疑,2022-04-03 12:00",
                           "t0000002?,阴性,", "T9999999,阴性,", "T0000002,阴性,昨天", "S0000001,待复检?,"])
    result, _table, _mapping = results_check(actor=city.users["secretary"], testing_round=r.round, path=path,
                                             filename=path.name, now=NOW)
    found = {(p.row, p.column): p.message for p in result.problems}
    assert "可疑" in found[(3, "检测结果")]
    assert "T0000002?" in found[(4, "试管编码")] and "试管编码" in found[(4, "试管编码")]
    assert "T9999999" in found[(5, "试管编码")]
    assert "昨天" in found[(6, "检测时间")]
    assert (7, "检测结果") in found
    assert result.error_count == 5
    with pytest.raises(ImportProblems):
        _apply(city, r, path)
    assert not any(_results()[t.code] for t in r.tubes)


def test_a_gbk_csv_and_an_xlsx_are_read(city, r, tmp_path):
    counts, _ = _apply(city, r, _csv(tmp_path, ["管码,检测结果,检测机构", "T0000000,阴性,市第一检测中心"], encoding="gbk"))
    assert counts["set"] == 1 and Tube.objects.get(code="T0000000").result_source == "市第一检测中心"
    book = Workbook()
    sheet = book.active
    sheet.append(["条码", "结果", "检测时间"])
    sheet.append(["T0000001", "negative", datetime.datetime(2022, 4, 3, 13, 0)])
    path = tmp_path / "results.xlsx"
    book.save(path)
    counts, _ = _apply(city, r, path)
    assert counts["set"] == 1 and _results()["T0000001"] == "negative"


def test_a_broken_xlsx_is_refused_with_a_message(city, r, client_for):
    client = client_for("secretary")
    upload = io.BytesIO(b"PK\x03\x04 this is not a workbook")
    upload.name = "results.xlsx"
    response = client.post(f"/testing/rounds/{r.round.pk}/results/", {"file": upload, "action": "apply"})
    assert response.status_code == 400
    assert "Excel" in response.content.decode() or "工作簿" in response.content.decode()
    assert not any(_results()[t.code] for t in r.tubes)


def test_the_upload_page_checks_then_loads(city, r, client_for):
    client = client_for("lab")
    upload = io.BytesIO("试管编码,检测结果\nT0000000,可疑\n".encode())
    upload.name = "lab.csv"
    response = client.post(f"/testing/rounds/{r.round.pk}/results/", {"file": upload, "action": "check"})
    assert response.status_code == 400 and "可疑" in response.content.decode()
    upload = io.BytesIO("试管编码,检测结果\nT0000000,阴性\n".encode())
    upload.name = "lab.csv"
    response = client.post(f"/testing/rounds/{r.round.pk}/results/", {"file": upload, "action": "apply"})
    assert response.status_code == 200 and _results()["T0000000"] == "negative"


def test_a_positive_pool_gets_retests_and_one_work_order_a_person(city, r, tmp_path):
    counts, _ = _apply(city, r, _csv(tmp_path, ["试管编码,检测结果,检测时间", "T0000001,阳性,2022-04-03 17:00"]), now=NOW)
    assert counts["positive"] == 1 and counts["retests"] == 10 and counts["work_orders"] == 10
    retests = Retest.objects.filter(tube=r.tubes[1])
    assert retests.count() == 10 and {x.grid_id for x in retests} == {city.grid.pk}
    assert all(x.pending and x.work_order_id for x in retests)
    orders = WorkOrder.objects.filter(kind=RESAMPLE, pk__in=[x.work_order_id for x in retests])
    assert orders.count() == 10
    assert {(o.area_id, o.assignee_role, o.due_at) for o in orders} == {(city.grid.pk, "grid_worker",
                                                                          NOW + datetime.timedelta(hours=6))}
    person = r.people[10]
    assert orders.filter(subject_id=person.pk).get().title.endswith(mask_name(person.name))
    assert person.name not in "".join(orders.values_list("title", flat=True)) or len(person.name) == 1
    # Again: nothing more.
    assert positives_follow_up(actor=city.users["secretary"], tube_ids=[r.tubes[1].pk], now=NOW) == {
        "retests": 0, "work_orders": 0, "cases": 0}
    # The grid worker sees the work in their inbox; the round's positives page shows the chain to the secretary.
    page = Client()
    page.force_login(city.users["secretary"])
    html = page.get(f"/testing/rounds/{r.round.pk}/positives/").content.decode()
    assert "T0000001" in html and mask_name(person.name) in html and person.name not in html.replace(
        mask_name(person.name), "")
    inbox = Client()
    inbox.force_login(city.users["grid"])
    assert "T0000001" not in inbox.get("/inbox/").content.decode()  # the order names the person, not the tube


def test_a_positive_single_tube_opens_a_case_once(city, r, tmp_path):
    counts, _ = _apply(city, r, _csv(tmp_path, ["试管编码,检测结果", "S0000001,阳性"]))
    assert counts["cases"] == 1 and counts["retests"] == 0
    case = Case.objects.get(person=r.people[30])
    assert case.status == "open" and case.tube == r.single and case.area == city.grid
    assert positives_follow_up(actor=None, tube_ids=[r.single.pk])["cases"] == 0


def test_a_retest_closes_when_the_retest_sample_is_registered(city, r):
    Tube.objects.filter(pk=r.tubes[2].pk).update(result=Result.POSITIVE, result_at=T0)
    positives_follow_up(actor=city.users["secretary"], tube_ids=[r.tubes[2].pk], now=NOW)
    person, other = r.people[20], r.people[21]
    # Grid worker takes the re-test at home: a single tube, a re-test sample (inserted as the registration would).
    tube = tube_with(r.round, "R0000001", [person], site=r.site, grid=city.grid, pool_size=1, kind="retest")
    sample = Sample.objects.get(tube=tube)
    assert retests_close_for([sample], actor=city.users["grid"], now=NOW) == 1
    retest = Retest.objects.get(tube=r.tubes[2], person=person)
    assert retest.sample == sample and not retest.pending
    order = WorkOrder.objects.get(pk=retest.work_order_id)
    assert order.status == "done" and WorkOrderEvent.objects.filter(work_order=order, action="done").exists()
    still = Retest.objects.get(tube=r.tubes[2], person=other)
    assert still.pending and WorkOrder.objects.get(pk=still.work_order_id).status == "open"
    # By round and people too; a person without a re-test sample stays open.
    assert retests_close_for(round_id=r.round.pk, person_ids=[other.pk], now=NOW) == 0
    assert retests_close_for(round_id=r.round.pk, person_ids=[person.pk], now=NOW) == 0  # closed already


def test_lab_staff_of_another_laboratory_cannot_load_these_tubes(city, r, tmp_path, client_for):
    _other, user = other_lab_staff()
    path = _csv(tmp_path, ["试管编码,检测结果", "T0000000,阴性"])
    # No tube of theirs in the round: the round is not theirs (404 alike).
    client = client_for("lab2")
    assert client.get(f"/testing/rounds/{r.round.pk}/results/").status_code == 404
    # With one tube of theirs, the others are unknown to them.
    tube_with(r.round, "L2000001", grid_people(city.grid, 1, skip=31), site=r.site, grid=city.grid, laboratory=_other)
    result, _t, _m = results_check(actor=user, testing_round=r.round, path=path, filename=path.name)
    assert [(p.row, p.column) for p in result.problems] == [(2, "试管编码")]
    with pytest.raises(ImportProblems):
        results_apply(actor=user, testing_round=r.round, path=path, filename=path.name)
    assert _results()["T0000000"] == ""
    # Their own tube they may.
    counts, _ = results_apply(actor=user, testing_round=r.round, path=_csv(tmp_path, ["试管编码,检测结果", "L2000001,阴性"],
                                                                            name="own.csv"), filename="own.csv")
    assert counts["set"] == 1


# --- the API -----------------------------------------------------------------------------------------------------

def _api(city, purpose="results:write"):
    _row, token = ApiToken.issue(user=city.users["commander"], name="lab", purpose=purpose)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client, r, records):
    return client.post(f"/api/v1/testing/rounds/{r.round.pk}/results", json.dumps(records),
                       content_type="application/json")


def test_a_batch_of_500_with_one_bad_record(city, r):
    testing_round = r.round
    site = r.site
    tubes = Tube.objects.bulk_create([Tube(round=testing_round, code=f"B{n:07d}", site=site, pool_size=10,
                                           opened_at=T0, laboratory=r.lab) for n in range(500)])
    records = [{"tube_code": t.code, "result": "阴性", "reported_at": "2022-04-03T12:00:00+08:00"} for t in tubes]
    records[137] = {"tube_code": "B0000137", "result": "可疑"}
    client = _api(city)
    audits = AuditLog.objects.filter(note__startswith="results API batch").count()
    response = _post(client, r, records)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (499, 1)
    bad = body["results"][137]
    assert bad["status"] == "rejected" and bad["tube_code"] == "B0000137" and "可疑" in bad["reason"]
    assert Tube.objects.filter(code__startswith="B", result="negative").count() == 499
    assert AuditLog.objects.filter(note__startswith="results API batch").count() == audits + 1
    # The same batch retried three times: nothing more, nothing doubled.
    for _ in range(3):
        again = _post(client, r, records).json()
        assert (again["accepted"], again["unchanged"], again["rejected"]) == (0, 499, 1)
    assert Tube.objects.filter(code__startswith="B", result="negative").count() == 499
    assert not ResultReview.objects.filter(tube__code__startswith="B").exists()


def test_a_batch_wholly_wrong_is_refused(city, r, settings):
    client = _api(city)
    assert _post(client, r, []).status_code == 422
    response = _post(client, r, [{"tube_code": "NOPE!", "result": "阴性"}, {"tube_code": "T0000000", "result": "?"}])
    assert response.status_code == 422 and len(response.json()["errors"]) == 2
    settings.FRONTLINE_SAMPLE_BATCH_MAX = 2
    assert _post(client, r, [{"tube_code": "T0000000", "result": "阴性"}] * 3).status_code == 422
    assert _post(client, r, {"tube_code": "T0000000"}).status_code == 422
    assert not any(_results()[t.code] for t in r.tubes)


def test_the_api_holds_a_conflict_and_follows_a_positive(city, r):
    client = _api(city)
    body = _post(client, r, [{"tube_code": "T0000000", "result": "negative"},
                             {"tube_code": "T0000001", "result": "positive"}]).json()
    assert [x["status"] for x in body["results"]] == ["accepted", "accepted"]
    assert Retest.objects.filter(tube=r.tubes[1]).count() == 10
    body = _post(client, r, [{"tube_code": "T0000000", "result": "positive"}]).json()
    assert body["results"][0]["status"] == "held" and _results()["T0000000"] == "negative"


def test_a_token_of_another_purpose_is_refused(city, r):
    response = _post(_api(city, purpose="samples:write"), r, [{"tube_code": "T0000000", "result": "阴性"}])
    assert response.status_code == 403


def test_lab_staff_of_another_laboratory_get_404_from_the_api(city, r):
    _other, user = other_lab_staff()
    _row, token = ApiToken.issue(user=user, name="lab2")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert _post(client, r, [{"tube_code": "T0000000", "result": "阴性"}]).status_code == 404
    assert _results()["T0000000"] == ""


def test_people_names_are_masked(city):
    assert mask_name("张三丰") == "张*丰" and mask_name("李四") == "李*"
    assert Person  # the positives page reads names only through mask_name


def test_a_grid_page_shows_its_people_waiting_for_a_retest(city, r, client_for):
    Tube.objects.filter(pk=r.tubes[0].pk).update(result=Result.POSITIVE, result_at=T0)
    positives_follow_up(actor=None, tube_ids=[r.tubes[0].pk], now=NOW)
    html = client_for("grid").get(f"/areas/{city.grid.pk}/").content.decode()
    assert 'data-testid="area-retests"' in html and mask_name(r.people[0].name) in html
    assert 'data-testid="area-retests"' not in client_for("secretary2").get(
        f"/areas/{city.sibling_community.pk}/").content.decode()


def test_the_import_framework_loads_results_into_the_round_under_way(city, r, tmp_path):
    from frontline.core.imports import import_apply, importer_for

    importer = importer_for("results")
    path = _csv(tmp_path, ["试管编码,检测结果", "T0000000,阴性"])
    r.round.status = "open"
    r.round.save(update_fields=["status"])
    counts, _result = import_apply(importer=importer, actor=city.users["secretary"], area=r.round.area, path=path,
                                   filename=path.name)
    assert counts["set"] == 1 and _results()["T0000000"] == "negative"


def test_a_tube_twice_in_one_file(city, r, tmp_path):
    path = _csv(tmp_path, ["试管编码,检测结果", "T0000000,阴性", "T0000001,阴性", "T0000000,阴性", "T0000001,阳性"])
    counts, _ = _apply(city, r, path)
    assert (counts["set"], counts["unchanged"], counts["held"], counts["positive"]) == (2, 1, 1, 0)
    assert _results()["T0000001"] == "negative"
    assert ResultReview.objects.get(tube=r.tubes[1]).result == "positive"
