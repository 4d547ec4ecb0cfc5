"""Custody through the scanning screen (a scanner types a code into the field and presses Enter: each Enter is
one POST) and through the terminals' API: the count grows as tubes are scanned, errors come in large type
naming the code, a mismatch shows its missing codes at once, a stage twice is refused, each call audited."""

import json

import pytest
from django.urls import reverse

from frontline.core.models import AuditLog
from frontline.epidemic.models import Bag, Handover, Tube

from .routes_custody import bag_sealed, demo_round, tubes_make


@pytest.fixture
def demo(city):
    return demo_round(city)


def _scan(client, demo, code="", **data):
    response = client.post(reverse("bag_scan"), {"round": demo.round.pk, "code": code, **data}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response


def _state(response) -> dict:
    """The screen's hidden state: the bag open and the codes scanned on receipt."""
    ctx = response.context
    return {"bag": ctx["bag"].pk if ctx["bag"] else None, "scanned": ctx["scanned"]}


def test_the_scanning_screen_is_one_field_with_big_buttons(demo, client_for):
    page = client_for("collector").get(reverse("bag_desk"))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-scan' in text and "autofocus" in text and "frontline/custody.js" in text
    assert "请扫描袋码" in text and demo.round.name in text
    assert "onclick" not in text and "<script>" not in text  # no inline script: the CSP forbids it


def test_a_collector_fills_and_seals_a_bag_by_scanning(demo, client_for):
    tubes_make(demo.round, demo.site, ["SC0001", "SC0002", "SC0003"])
    client = client_for("collector")
    opened = _scan(client, demo, "bag-sc")
    assert _state(opened)["bag"] and "BAG-SC" in opened.content.decode()
    bag = _state(opened)["bag"]
    for n, code in enumerate(["SC0001", "sc0002"], start=1):
        response = _scan(client, demo, code, bag=bag)
        assert response.context["tubes"][0] == code.upper() and len(response.context["tubes"]) == n
        assert f'data-testid="tube-count">{n}<' in response.content.decode()
    again = _scan(client, demo, "SC0002", bag=bag)
    assert "已在本袋中" in again.content.decode() and len(again.context["tubes"]) == 2
    sealed = _scan(client, demo, bag=bag, action="seal", laboratory=demo.lab.pk)
    assert "已封袋，共 2 管" in sealed.content.decode() and sealed.context["bag"] is None
    bag = Bag.objects.get(pk=bag)
    assert (bag.sealed_count, bag.laboratory, bag.sealed_by.username) == (2, demo.lab, "collector")


def test_scanning_errors_are_large_and_name_the_code(demo, city, client_for):
    from .routes_custody import round_elsewhere

    far = round_elsewhere(city.other_district)
    tubes_make(far.round, far.site, ["ERFAR01"])
    tubes_make(demo.round, demo.site, ["ER0001", "ER0002"])
    bag_sealed(city.users["collector"], demo.round, demo.site, "BAG-ER1", ["ER0001"])
    client = client_for("collector")
    first_tube = _scan(client, demo, "ER0002")  # a tube before any bag
    assert "ER0002 是试管：请先扫描袋码" in first_tube.content.decode()
    bag = _state(_scan(client, demo, "BAG-ER2"))["bag"]
    for code, words in [("ER0001", "试管 ER0001 已在袋 BAG-ER1 中"), ("ERFAR01", "试管 ERFAR01 属于另一轮次"),
                        ("ER9999", "未知试管 ER9999"), ("BAG-ER2", "BAG-ER2 是袋码本身")]:
        text = _scan(client, demo, code, bag=bag).content.decode()
        assert 'data-testid="scan-error"' in text and words in text, code
    sealed_again = _scan(client, demo, "BAG-ER1", bag="")  # theirs: its pickup is scanned by the transporter
    assert "袋 BAG-ER1 由您封袋：接收须由转运员扫描" in sealed_again.content.decode()
    assert sealed_again.context["bag"] is None


def test_the_transporter_scans_a_pickup_and_sees_the_missing_codes_at_once(demo, client_for):
    tubes_make(demo.round, demo.site, ["TR0001", "TR0002", "TR0003"])
    tubes_make(demo.round, demo.site, ["TR0009"])
    bag_sealed(None, demo.round, demo.site, "BAG-TR", ["TR0001", "TR0002", "TR0003"])
    client = client_for("transporter")
    state = _state(_scan(client, demo, "BAG-TR"))
    state = _state(_scan(client, demo, "TR0001", **state))
    unexpected = _scan(client, demo, "TR0009", **state)
    assert "试管 TR0009 不在袋 BAG-TR 中" in unexpected.content.decode()  # flagged as soon as it is scanned
    state = _state(unexpected)
    assert state["scanned"] == ["TR0001", "TR0009"]
    done = _scan(client, demo, action="confirm", **state)
    text = done.content.decode()
    assert "交接异常：袋 BAG-TR" in text and 'data-testid="missing-codes"' in text
    assert "TR0002" in text and "TR0003" in text and 'data-testid="extra-codes"' in text
    handover = Handover.objects.get(bag__code="BAG-TR")
    assert (handover.missing, handover.extra, handover.flagged) == (["TR0002", "TR0003"], ["TR0009"], True)
    twice = _scan(client, demo, "BAG-TR")  # the next stage is the laboratory's delivery, not a second pickup
    assert twice.context["stage"] == "delivered"
    delivered = _scan(client, demo, action="confirm", bag=handover.bag_id, laboratory=demo.lab.pk)
    assert delivered.context["result"].stage == "delivered"  # recorded; a third scan finds nothing left to do
    assert "已送达检测机构" in _scan(client, demo, "BAG-TR").content.decode()


def test_a_closed_bag_is_handed_over_by_its_count(demo, client_for):
    tubes_make(demo.round, demo.site, ["CN0001", "CN0002"])
    bag = bag_sealed(None, demo.round, demo.site, "BAG-CN", ["CN0001", "CN0002"])
    client = client_for("transporter")
    _scan(client, demo, "BAG-CN")
    bad = _scan(client, demo, action="count", bag=bag.pk, counted="两")
    assert "请输入袋 BAG-CN 中的管数" in bad.content.decode()
    ok = _scan(client, demo, action="count", bag=bag.pk, counted="2")
    assert 'data-testid="handover-ok"' in ok.content.decode()
    assert Handover.objects.get(bag=bag).missing == [] and Handover.objects.get(bag=bag).counted == 2


# --- the API -----------------------------------------------------------------------------------------------

def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_api_seals_a_bag_or_lists_each_refused_tube(demo, client_for):
    tubes_make(demo.round, demo.site, ["AP0001", "AP0002"])
    tubes_make(demo.round, demo.site, ["AP0003"], samples=0)
    client = client_for("collector")
    refused = _post(client, "/api/v1/testing/bags/BAG-AP/seal",
                    {"round": demo.round.pk, "tube_codes": ["AP0001", "AP0003", "AP0404"]})
    assert refused.status_code == 422
    errors = {e["code"]: e["reason"] for e in refused.json()["errors"]}
    assert set(errors) == {"AP0003", "AP0404"} and "AP0003" in errors["AP0003"]
    assert not Bag.objects.filter(code="BAG-AP").exists() and Tube.objects.get(code="AP0001").bag_id is None
    sealed = _post(client, "/api/v1/testing/bags/BAG-AP/seal",
                   {"round": demo.round.pk, "tube_codes": ["AP0001", "AP0002"], "laboratory": demo.lab.pk})
    assert sealed.status_code == 200
    body = sealed.json()
    assert (body["sealed_count"], body["tube_codes"], body["laboratory_id"]) == (2, ["AP0001", "AP0002"], demo.lab.pk)
    assert AuditLog.objects.filter(content_type__model="bag", object_id=str(body["id"]), actor_name="collector").exists()
    assert _post(client_for("transporter"), "/api/v1/testing/bags/BAG-AP2/seal",
                 {"round": demo.round.pk, "tube_codes": ["AP0001"], "site": demo.site.pk}).status_code == 403


def test_the_api_hand_over_answers_code_by_code_and_refuses_a_stage_twice(demo, client_for):
    tubes_make(demo.round, demo.site, ["AH0001", "AH0002", "AH0003"])
    bag_sealed(None, demo.round, demo.site, "BAG-AH", ["AH0001", "AH0002", "AH0003"], laboratory=demo.lab)
    transporter = client_for("transporter")
    picked = _post(transporter, "/api/v1/testing/bags/BAG-AH/handovers",
                   {"round": demo.round.pk, "stage": "picked_up", "tube_codes": ["AH0001", "AH0002"]})
    assert picked.status_code == 201
    body = picked.json()
    assert (body["flagged"], body["missing"], body["counted"], body["sealed_count"]) == (True, ["AH0003"], 2, 3)
    assert [e["code"] for e in body["errors"]] == ["AH0003"]
    twice = _post(transporter, "/api/v1/testing/bags/BAG-AH/handovers",
                  {"round": demo.round.pk, "stage": "picked_up", "count": 3})
    assert twice.status_code == 422 and "BAG-AH" in twice.json()["detail"][0]
    counted = _post(client_for("lab"), "/api/v1/testing/bags/BAG-AH/handovers",
                    {"round": demo.round.pk, "stage": "delivered", "count": 2})
    assert counted.status_code == 201
    assert counted.json()["flagged"] is True and counted.json()["errors"][0]["code"] == "BAG-AH"
    assert _post(transporter, "/api/v1/testing/bags/BAG-NONE/handovers",
                 {"round": demo.round.pk, "stage": "picked_up", "count": 1}).status_code == 404


def test_a_bag_still_arrives_after_its_round_closed_but_no_bag_is_filled(demo, client_for):
    from frontline.epidemic.models import TestingRound

    tubes_make(demo.round, demo.site, ["CL0001", "CL0002"])
    bag_sealed(None, demo.round, demo.site, "BAG-CL", ["CL0001"], laboratory=demo.lab)
    TestingRound.objects.filter(pk=demo.round.pk).update(status="closed")
    picked = _post(client_for("transporter"), "/api/v1/testing/bags/BAG-CL/handovers",
                   {"round": demo.round.pk, "stage": "picked_up", "count": 1})
    assert picked.status_code == 201 and picked.json()["flagged"] is False
    refused = _post(client_for("collector"), "/api/v1/testing/bags/BAG-CL2/seal",
                    {"round": demo.round.pk, "tube_codes": ["CL0002"]})
    assert refused.status_code == 422 and "已结束" in refused.json()["detail"][0]
