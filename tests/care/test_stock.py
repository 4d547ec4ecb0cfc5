"""Protective supplies: each move and what it leaves in stock, refusals (beyond stock, zero, negative, absurd, another
area's site), the gift-pack rule (packs are assembled from parts, then issued), the low-stock work order raised once,
the figures, the pages and the API."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from frontline.areas.figures import Period, figure_series, figure_table, site_figures
from frontline.areas.models import Household, Site, SiteKind
from frontline.care.models import ItemCategory, KitPart, MoveKind, Stock, StockMove, SupplyItem
from frontline.care.stock import (
    STOCK_LOW,
    kit_parts_set,
    stock_adjust,
    stock_assemble_kits,
    stock_issue,
    stock_low_set,
    stock_receive,
    stock_send_out,
    stock_transfer,
    supply_item_save,
)
from frontline.core.models import AuditLog, WorkOrder
from tests.access import api_client


def _item(name, category, unit):
    return SupplyItem.objects.create(name=name, category=category, unit=unit, stocked=True)


@pytest.fixture
def supplies(city):
    mask = _item("测试口罩", ItemCategory.PROTECTIVE, "只")
    bleach = _item("测试消毒液", ItemCategory.PROTECTIVE, "瓶")
    guide = _item("测试明白卡", ItemCategory.GUIDE, "张")
    kit = _item("测试礼包", ItemCategory.KIT, "份")
    for part, n in ((mask, 10), (bleach, 1), (guide, 1)):
        KitPart.objects.create(kit=kit, item=part, quantity=n)
    station = Site.objects.filter(area=city.street, kind=SiteKind.SERVICE_STATION).first()
    centre = Site.objects.filter(area=city.community, kind=SiteKind.SERVICE_CENTER).first()
    sibling = Site.objects.filter(area=city.sibling_community, kind=SiteKind.SERVICE_CENTER).first()
    return SimpleNamespace(mask=mask, bleach=bleach, guide=guide, kit=kit, station=station, centre=centre,
                           sibling=sibling)


def held(site, item) -> int:
    return Stock.objects.filter(site=site, item=item).values_list("quantity", flat=True).first() or 0


def test_receiving_sending_out_and_counting_move_the_stock_and_are_audited(city, supplies):
    secretary = city.users["secretary"]
    move = stock_receive(actor=secretary, site=supplies.centre, item=supplies.mask, quantity="500", note="区里调拨")
    assert move.kind == MoveKind.IN and move.quantity == 500 and held(supplies.centre, supplies.mask) == 500
    out = stock_send_out(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=120)
    assert out.quantity == -120 and held(supplies.centre, supplies.mask) == 380
    counted = stock_adjust(actor=secretary, site=supplies.centre, item=supplies.mask, counted=370, note="盘点少10只")
    assert counted.kind == MoveKind.ADJUST and counted.quantity == -10 and held(supplies.centre, supplies.mask) == 370
    assert stock_adjust(actor=secretary, site=supplies.centre, item=supplies.mask, counted=370, note="复盘") is None
    assert AuditLog.objects.filter(content_type__model="stockmove", action="create").count() == 3


def test_a_count_needs_a_note(city, supplies):
    with pytest.raises(ValidationError, match="Note|备注"):
        stock_adjust(actor=city.users["secretary"], site=supplies.centre, item=supplies.mask, counted=5, note=" ")
    assert not StockMove.objects.exists()


def test_a_transfer_writes_a_move_at_each_site_and_stays_whole_when_refused(city, supplies):
    street = city.users["street"]
    stock_receive(actor=street, site=supplies.station, item=supplies.bleach, quantity=40)
    out, arrived = stock_transfer(actor=street, site=supplies.station, to_site=supplies.centre, item=supplies.bleach,
                                  quantity=15)
    assert (out.quantity, arrived.quantity) == (-15, 15) and out.other_site == supplies.centre
    assert held(supplies.station, supplies.bleach) == 25 and held(supplies.centre, supplies.bleach) == 15
    with pytest.raises(ValidationError):
        stock_transfer(actor=street, site=supplies.station, to_site=supplies.centre, item=supplies.bleach, quantity=26)
    assert held(supplies.station, supplies.bleach) == 25 and held(supplies.centre, supplies.bleach) == 15
    assert StockMove.objects.filter(kind=MoveKind.TRANSFER).count() == 2


def test_a_community_secretary_cannot_move_stock_to_or_at_another_communitys_site(city, supplies):
    secretary = city.users["secretary"]
    stock_receive(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=10)
    with pytest.raises(PermissionDenied):
        stock_transfer(actor=secretary, site=supplies.centre, to_site=supplies.sibling, item=supplies.mask, quantity=5)
    with pytest.raises(PermissionDenied):
        stock_receive(actor=secretary, site=supplies.sibling, item=supplies.mask, quantity=5)
    with pytest.raises(PermissionDenied):  # the street's station is above the community
        stock_receive(actor=secretary, site=supplies.station, item=supplies.mask, quantity=5)
    with pytest.raises(PermissionDenied):  # a grid worker sees the stock, but does not move it
        stock_receive(actor=city.users["grid"], site=supplies.centre, item=supplies.mask, quantity=5)
    assert held(supplies.centre, supplies.mask) == 10 and StockMove.objects.count() == 1


@pytest.mark.parametrize("quantity, message", [
    (0, "至少 1"), (-3, "至少 1"), ("abc", "请填写整数"), ("2.5", "请填写整数"),
    (1_000_001, "最多 1000000"), ("99999999999999999999", "最多"),
])
def test_zero_negative_and_absurd_quantities_are_refused_with_what_is_wrong(city, supplies, quantity, message):
    with pytest.raises(ValidationError) as refused:
        stock_receive(actor=city.users["secretary"], site=supplies.centre, item=supplies.mask, quantity=quantity)
    assert message in " ".join(refused.value.messages)
    assert not StockMove.objects.exists() and held(supplies.centre, supplies.mask) == 0


def test_taking_out_more_than_the_stock_names_the_item_the_site_and_what_is_left(city, supplies):
    secretary = city.users["secretary"]
    stock_receive(actor=secretary, site=supplies.centre, item=supplies.guide, quantity=7)
    for withdraw in (lambda: stock_send_out(actor=secretary, site=supplies.centre, item=supplies.guide, quantity=8),
                     lambda: stock_issue(actor=secretary, site=supplies.centre, item=supplies.guide, quantity=8,
                                         recipient_kind="resident", recipients=8)):
        with pytest.raises(ValidationError) as refused:
            withdraw()
        text = " ".join(refused.value.messages)
        assert supplies.centre.name in text and supplies.guide.name in text and "只剩 7 张" in text
    assert held(supplies.centre, supplies.guide) == 7 and StockMove.objects.count() == 1
    with pytest.raises(ValidationError):  # nothing ever received here
        stock_send_out(actor=secretary, site=supplies.centre, item=supplies.bleach, quantity=1)


def test_issuing_counts_the_recipients_and_needs_to_know_whom(city, supplies, homes):
    secretary = city.users["secretary"]
    stock_receive(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=100)
    move = stock_issue(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=20, recipient_kind="worker",
                       recipients=4, household=None)
    assert move.quantity == -20 and move.recipients == 4 and held(supplies.centre, supplies.mask) == 80
    with pytest.raises(ValidationError):
        stock_issue(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=1, recipient_kind="nobody")
    with pytest.raises(ValidationError):
        stock_issue(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=1, recipient_kind="resident",
                    recipients=0)
    home = stock_issue(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=2, recipient_kind="resident",
                       recipients=3, household=homes.one)
    assert home.household == homes.one
    with pytest.raises(PermissionDenied):  # a household of another community
        stock_issue(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=1, recipient_kind="resident",
                    household=Household.objects.exclude(building__area__path__startswith=city.community.path).first())
    assert held(supplies.centre, supplies.mask) == 78


def test_gift_packs_are_assembled_from_parts_then_issued_as_packs(city, supplies):
    secretary = city.users["secretary"]
    for item, n in ((supplies.mask, 100), (supplies.bleach, 10), (supplies.guide, 8)):
        stock_receive(actor=secretary, site=supplies.centre, item=item, quantity=n)
    with pytest.raises(ValidationError):  # no pack assembled yet: parts are not issued as a pack
        stock_issue(actor=secretary, site=supplies.centre, item=supplies.kit, quantity=1, recipient_kind="resident")
    with pytest.raises(ValidationError) as refused:  # 9 packs need 9 guides; there are 8
        stock_assemble_kits(actor=secretary, site=supplies.centre, kit=supplies.kit, quantity=9)
    assert supplies.guide.name in " ".join(refused.value.messages)
    assert held(supplies.centre, supplies.mask) == 100 and held(supplies.centre, supplies.kit) == 0
    stock_assemble_kits(actor=secretary, site=supplies.centre, kit=supplies.kit, quantity=8)
    assert [held(supplies.centre, i) for i in (supplies.mask, supplies.bleach, supplies.guide, supplies.kit)] == [
        20, 2, 0, 8]
    stock_issue(actor=secretary, site=supplies.centre, item=supplies.kit, quantity=5, recipient_kind="resident",
                recipients=5)
    assert held(supplies.centre, supplies.kit) == 3 and held(supplies.centre, supplies.mask) == 20
    with pytest.raises(ValidationError):
        stock_assemble_kits(actor=secretary, site=supplies.centre, kit=supplies.mask, quantity=1)


def test_low_stock_raises_one_work_order_for_the_sites_area_while_it_is_open(city, supplies):
    secretary = city.users["secretary"]
    stock_receive(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=100)
    stock_low_set(actor=secretary, site=supplies.centre, item=supplies.mask, low_at=30)
    assert not WorkOrder.objects.filter(kind=STOCK_LOW).exists()
    stock_issue(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=60, recipient_kind="resident",
                recipients=30)
    assert not WorkOrder.objects.filter(kind=STOCK_LOW).exists()  # 40 left: above the mark
    stock_issue(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=15, recipient_kind="resident",
                recipients=5)
    stock_send_out(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=5)
    (order,) = WorkOrder.objects.filter(kind=STOCK_LOW)
    assert order.area == city.community and order.assignee_role == "community_secretary"
    assert supplies.mask.name in order.title and supplies.centre.name in order.title
    assert WorkOrder.objects.visible_to(secretary).filter(pk=order.pk).exists()
    # The street's station: the street officer's.
    street = city.users["street"]
    stock_receive(actor=street, site=supplies.station, item=supplies.guide, quantity=10)
    stock_low_set(actor=street, site=supplies.station, item=supplies.guide, low_at=10)
    station_order = WorkOrder.objects.get(kind=STOCK_LOW, subject_id=Stock.objects.get(site=supplies.station).pk)
    assert station_order.area == city.street and station_order.assignee_role == "street_officer"


def test_catalogue_items_and_kit_parts_are_kept_by_those_who_may(city, supplies):
    commander = city.users["commander"]
    goggles = supply_item_save(actor=commander, name="测试护目镜", category=ItemCategory.PROTECTIVE, unit="副")
    assert goggles.stocked and AuditLog.objects.filter(content_type__model="supplyitem", object_id=str(goggles.pk)).exists()
    with pytest.raises(ValidationError, match="已有名为测试护目镜"):
        supply_item_save(actor=commander, name="测试护目镜", category=ItemCategory.PROTECTIVE, unit="副")
    with pytest.raises(PermissionDenied):
        supply_item_save(actor=city.users["secretary"], name="口罩2", category=ItemCategory.PROTECTIVE, unit="只")
    kit_parts_set(actor=commander, kit=supplies.kit, parts=[(supplies.mask, 5), (goggles, 1)])
    assert sorted(supplies.kit.parts.values_list("item__name", "quantity")) == sorted([("测试护目镜", 1), ("测试口罩", 5)])
    with pytest.raises(ValidationError):
        kit_parts_set(actor=commander, kit=supplies.kit, parts=[(supplies.kit, 1)])
    with pytest.raises(ValidationError):
        kit_parts_set(actor=commander, kit=supplies.kit, parts=[(supplies.mask, 0)])
    assert supplies.kit.parts.count() == 2


def test_figures_sum_the_packs_issued_and_their_recipients_by_site_and_area(city, supplies):
    secretary = city.users["secretary"]
    now = timezone.now()
    for item, n in ((supplies.mask, 1000), (supplies.bleach, 100), (supplies.guide, 100)):
        stock_receive(actor=secretary, site=supplies.centre, item=item, quantity=n)
    stock_assemble_kits(actor=secretary, site=supplies.centre, kit=supplies.kit, quantity=60)
    stock_issue(actor=secretary, site=supplies.centre, item=supplies.kit, quantity=40, recipient_kind="resident",
                recipients=40, now=now - datetime.timedelta(days=2))
    stock_issue(actor=secretary, site=supplies.centre, item=supplies.kit, quantity=12, recipient_kind="worker",
                recipients=12, now=now)
    stock_issue(actor=secretary, site=supplies.centre, item=supplies.mask, quantity=50, recipient_kind="worker",
                recipients=25, now=now)
    codes = ["kits_issued", "supplies_issued_recipients", "stock_low_sites"]
    table = figure_table(actor=city.users["commander"], area=city.street, codes=codes)
    assert table.total["kits_issued"] == 52 and table.total["supplies_issued_recipients"] == 77
    community_values = next(v for child, v in table.children if child == city.community)
    assert community_values["kits_issued"] == 52
    today = timezone.localdate()
    assert figure_table(actor=secretary, area=city.community, codes=codes,
                        period=Period(today, today)).total["kits_issued"] == 12
    assert site_figures(actor=secretary, site=supplies.centre, codes=codes) == {
        "kits_issued": 52, "supplies_issued_recipients": 77, "stock_low_sites": 0}
    series = dict(figure_series(area=city.community, code="kits_issued",
                                period=Period(today - datetime.timedelta(days=3), today)))
    assert sorted(series.values()) == [12, 40]
    stock_low_set(actor=secretary, site=supplies.centre, item=supplies.kit, low_at=10)
    assert figure_table(actor=secretary, area=city.community, codes=codes).total["stock_low_sites"] == 1


# --- pages and API ------------------------------------------------------------------------------------------------

def test_the_desk_moves_stock_on_the_site_page_and_sees_a_clear_message_when_refused(city, supplies, client_for):
    client = client_for("secretary")
    url = reverse("stock_move", args=[supplies.centre.pk])
    response = client.post(url, {"kind": "in", "item": supplies.mask.pk, "quantity": "200", "note": ""}, follow=True)
    assert response.status_code == 200 and held(supplies.centre, supplies.mask) == 200
    page = client.get(reverse("stock_site", args=[supplies.centre.pk])).content.decode()
    assert supplies.mask.name in page and "200" in page
    response = client.post(url, {"kind": "out", "item": supplies.mask.pk, "quantity": "201"})
    assert response.status_code == 422 and supplies.centre.name in response.content.decode()
    response = client.post(url, {"kind": "in", "item": supplies.mask.pk, "quantity": "0"})
    assert response.status_code == 422
    assert held(supplies.centre, supplies.mask) == 200
    client.post(url, {"kind": "low", "item": supplies.mask.pk, "quantity": "200"})
    area_page = client.get(reverse("stock_area") + f"?area={city.community.pk}").content.decode()
    assert 'data-testid="low"' in area_page and supplies.centre.name in area_page


def test_a_station_issues_gift_packs_on_its_phone_form(city, supplies, client_for):
    street = city.users["street"]
    stock_receive(actor=street, site=supplies.station, item=supplies.kit, quantity=30)
    client = client_for("street")
    url = reverse("stock_issue", args=[supplies.station.pk])
    form = client.get(url).content.decode()
    assert supplies.kit.name in form and 'inputmode="numeric"' in form
    response = client.post(url, {"item": supplies.kit.pk, "quantity": "3", "recipient_kind": "resident",
                                 "recipients": "3"}, follow=True)
    assert response.status_code == 200 and held(supplies.station, supplies.kit) == 27
    response = client.post(url, {"item": supplies.kit.pk, "quantity": "1000", "recipient_kind": "resident",
                                 "recipients": "1"})
    assert response.status_code == 422 and "27" in response.content.decode()
    assert client_for("grid").get(url).status_code == 403


def test_the_catalogue_page_adds_a_gift_pack_with_its_parts(city, supplies, client_for):
    client = client_for("commander")
    response = client.post(reverse("supply_item_new"), {
        "name": "测试新礼包", "category": "kit", "unit": "份", "stocked": "on", "max_per_order": "1", "active": "on",
        f"part_{supplies.mask.pk}": "6", f"part_{supplies.guide.pk}": "1"})
    assert response.status_code == 302
    kit = SupplyItem.objects.get(name="测试新礼包")
    assert sorted(kit.parts.values_list("quantity", flat=True)) == [1, 6]
    page = client.get(reverse("stock_catalogue")).content.decode()
    assert "测试新礼包" in page
    response = client.post(reverse("supply_item_new"), {
        "name": "测试坏礼包", "category": "kit", "unit": "份", "stocked": "on", "max_per_order": "1",
        f"part_{supplies.mask.pk}": "-2"})
    assert response.status_code == 200 and not SupplyItem.objects.filter(name="测试坏礼包").exists()
    assert client_for("secretary").get(reverse("supply_item_new")).status_code == 403


def test_the_api_answers_a_sites_stock_and_takes_a_move(city, supplies):
    stock_receive(actor=city.users["secretary"], site=supplies.centre, item=supplies.mask, quantity=50)
    client = api_client("secretary")
    data = client.get(f"/api/v1/care/stock/sites/{supplies.centre.pk}").json()
    assert data["stock"][0]["item"] == supplies.mask.name and data["stock"][0]["quantity"] == 50
    response = client.post(f"/api/v1/care/stock/sites/{supplies.centre.pk}/moves", {
        "kind": "issue", "item_id": supplies.mask.pk, "quantity": 10, "recipient_kind": "courier", "recipients": 2},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["left"] == 40
    response = client.post(f"/api/v1/care/stock/sites/{supplies.centre.pk}/moves", {
        "kind": "out", "item_id": supplies.mask.pk, "quantity": 41}, content_type="application/json")
    assert response.status_code == 422 and "40" in " ".join(response.json()["detail"])
    assert client.get(f"/api/v1/care/stock/sites/{supplies.sibling.pk}").status_code == 404
    assert held(supplies.centre, supplies.mask) == 40
