"""The public resident page without an account: a resident orders supplies and raises a request for a room of the
grid, gets a receipt code, and follows it with their phone; bad rooms, absurd orders, markup, floods and double
taps are refused with a Chinese message and write nothing; the page is light and says nothing about who lives
anywhere."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from frontline.areas.models import Building, Household
from frontline.care.models import (
    OrderStatus,
    RequestStatus,
    ResidentPage,
    ResidentRequest,
    SupplyOrder,
    SupplyOrderLine,
)
from frontline.care.orders import ORDER_CHECK
from frontline.care.requests import RESIDENT_REQUEST
from frontline.core.models import WorkOrder
from frontline.people.models import Resident

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def fresh_limits():
    """The limits count in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pages(city):
    here = ResidentPage.objects.get_or_create(area=city.grid, defaults={"code": "here-grid", "hotline": "0371-12345678"})[0]
    there = ResidentPage.objects.get_or_create(area=city.sibling_grid,
                                               defaults={"code": "there-grid", "hotline": "0371-87654321"})[0]
    ResidentPage.objects.filter(pk__in=[here.pk, there.pk]).update(active=True)
    here.refresh_from_db()
    there.refresh_from_db()
    return here, there


@pytest.fixture
def resident(db):
    return Client(enforce_csrf_checks=True)


def _token(client, page) -> dict:
    """What a browser sends besides the fields: the CSRF token (cookie and field) and the form's one-time token."""
    html = client.get(f"/r/{page.code}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return {"csrfmiddlewaretoken": csrf, "token": token}


def _home(household) -> dict:
    return {"building": household.building_id, "unit": household.unit, "room": household.room, "phone": PHONE}


def _order(client, page, household, addr="10.0.0.1", **fields):
    data = {**_token(client, page), **_home(household), **fields}
    return client.post(f"/r/{page.code}/order/", data, REMOTE_ADDR=addr)


def _text(response) -> str:
    return response.content.decode()


def test_a_resident_without_an_account_orders_supplies_and_gets_a_receipt(pages, resident, catalogue, homes):
    here, _ = pages
    response = _order(resident, here, homes.one, **{f"qty_{catalogue.rice.pk}": "2", "other": "酱油一瓶",
                                                    "other_qty": "1", "note": "放门口"})
    assert response.status_code == 200, _text(response)
    order = SupplyOrder.objects.get()
    assert order.household == homes.one and order.channel == "page" and not order.verified
    assert order.contact_phone == PHONE and order.status == OrderStatus.PLACED
    assert sorted(str(line) for line in order.lines.all()) == ["大米 5kg × 2", "酱油一瓶 × 1"]
    page = _text(response)
    assert order.receipt_display in page and "请保存此回执码" in page
    assert WorkOrder.objects.filter(kind=ORDER_CHECK, subject_id=order.pk, area=here.area).exists()
    assert response["Cache-Control"].count("no-store") == 1


def test_a_resident_raises_a_request_that_lands_in_the_grid_inbox(pages, resident, homes):
    here, _ = pages
    data = {**_token(resident, here), **_home(homes.one), "kind": "appeal", "category": "medicine",
            "urgency": "urgent", "text": "家里老人降压药快吃完了"}
    response = resident.post(f"/r/{here.code}/request/", data)
    assert response.status_code == 200, _text(response)
    request = ResidentRequest.objects.get()
    assert request.household == homes.one and request.area == here.area and not request.verified
    assert request.urgency == "urgent" and request.text == "家里老人降压药快吃完了"
    assert request.receipt_display in _text(response)
    assert WorkOrder.objects.get(kind=RESIDENT_REQUEST, subject_id=request.pk).area == here.area


def _follow(client, page, receipt, phone=PHONE, addr="10.0.0.9"):
    csrf = _token(client, page)["csrfmiddlewaretoken"]
    return client.post(f"/r/{page.code}/follow/", {"csrfmiddlewaretoken": csrf, "receipt": receipt, "phone": phone},
                       REMOTE_ADDR=addr)


def test_following_a_receipt_with_its_phone_shows_the_order_moving(pages, resident, catalogue, homes, city):
    here, _ = pages
    _order(resident, here, homes.one, **{f"qty_{catalogue.vegetables.pk}": "1"})
    order = SupplyOrder.objects.get()
    shown = _text(_follow(resident, here, order.receipt_display.lower()))
    assert "已提交" in shown and "蔬菜包 × 1" in shown
    SupplyOrder.objects.filter(pk=order.pk).update(verified=True, status=OrderStatus.FAILED,
                                                   failed_reason="家中无人，电话未接通")
    response = _follow(resident, here, order.receipt)
    shown = _text(response)
    assert response.status_code == 200 and "未能送达" in shown and "家中无人，电话未接通" in shown
    assert response["Cache-Control"].count("no-store") == 1


def test_following_a_request_shows_its_resolution(pages, resident, homes):
    here, _ = pages
    data = {**_token(resident, here), **_home(homes.one), "kind": "suggestion", "category": "other",
            "text": "建议增加一个核酸采样点"}
    resident.post(f"/r/{here.code}/request/", data)
    request = ResidentRequest.objects.get()
    ResidentRequest.objects.filter(pk=request.pk).update(status=RequestStatus.RESOLVED, verified=True,
                                                         resolved_at=timezone.now(), resolution="已在3号楼增设采样点")
    shown = _text(_follow(resident, here, request.receipt_display))
    assert "已解决" in shown and "已在3号楼增设采样点" in shown


def _answer(response) -> tuple[int, str]:
    """What a resident sees, without the per-response CSRF token and the receipt code they typed."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", _text(response))
    return response.status_code, re.sub(r'(name="receipt" [^>]*value=)"[^"]*"', r"\1", page)


def test_a_wrong_phone_another_grids_receipt_and_an_unknown_one_get_one_and_the_same_answer(
        pages, resident, catalogue, homes):
    here, there = pages
    _order(resident, here, homes.one, **{f"qty_{catalogue.rice.pk}": "1"})
    mine = SupplyOrder.objects.get()
    _order(resident, there, homes.other_grid, **{f"qty_{catalogue.rice.pk}": "1"}, addr="10.0.0.2")
    theirs = SupplyOrder.objects.exclude(pk=mine.pk).get()
    answers = {_answer(_follow(resident, here, mine.receipt, phone="13800000000")),
               _answer(_follow(resident, here, theirs.receipt)),
               _answer(_follow(resident, here, "ABCDE-23456"))}
    assert len(answers) == 1
    status, page = answers.pop()
    assert status == 404 and "没有" in page and "大米" not in page


def test_guessing_receipts_is_limited(pages, resident, settings):
    settings.FRONTLINE_RESIDENT_PAGE_PER_ADDRESS = 3
    here, _ = pages
    codes = [_follow(resident, here, f"ABCDE-2345{n}", phone=f"1391234567{n}").status_code for n in range(2, 7)]
    assert codes == [404, 404, 404, 429, 429]


def test_a_building_of_another_grid_is_refused_by_name(pages, resident, catalogue, homes):
    here, _ = pages
    response = _order(resident, here, homes.other_grid, **{f"qty_{catalogue.rice.pk}": "1"})
    assert response.status_code == 400
    assert "楼栋" in _text(response) and here.area.name in _text(response)
    assert not SupplyOrder.objects.exists()


def test_a_room_that_does_not_exist_is_refused_without_saying_who_lives_anywhere(pages, resident, catalogue, homes):
    here, _ = pages
    response = _order(resident, here, homes.one, room="9999", **{f"qty_{catalogue.rice.pk}": "1"})
    assert response.status_code == 400
    assert "9999" in _text(response) and homes.one.building.name in _text(response)
    assert not SupplyOrder.objects.exists()


def test_ten_thousand_bags_of_rice_are_refused(pages, resident, catalogue, homes):
    here, _ = pages
    for fields in ({f"qty_{catalogue.rice.pk}": "10000"}, {"other": "大米", "other_qty": "10000"},
                   {f"qty_{catalogue.rice.pk}": "-3"}, {}):
        response = _order(resident, here, homes.one, **fields)
        assert response.status_code == 400 and 'data-testid="error"' in _text(response), fields
    assert "大米 5kg" in _text(_order(resident, here, homes.one, **{f"qty_{catalogue.rice.pk}": "10000"}))
    assert not SupplyOrder.objects.exists() and not SupplyOrderLine.objects.exists()


def test_html_and_script_in_free_text_are_refused_and_never_echoed_as_markup(pages, resident, catalogue, homes):
    here, _ = pages
    response = _order(resident, here, homes.one, other="<script>alert(1)</script>")
    assert response.status_code == 400 and "<script>alert" not in _text(response)
    data = {**_token(resident, here), **_home(homes.one), "kind": "appeal", "category": "other",
            "text": '<img src=x onerror="alert(1)">'}
    response = resident.post(f"/r/{here.code}/request/", data)
    assert response.status_code == 400 and "<img src=x" not in _text(response)
    assert "网页代码" in _text(response) or "HTML" in _text(response)
    assert not SupplyOrder.objects.exists() and not ResidentRequest.objects.exists()


def test_a_flood_from_one_address_stops_at_the_limit(pages, resident, catalogue, homes, settings):
    settings.FRONTLINE_RESIDENT_PAGE_PER_ADDRESS = 3
    here, _ = pages
    codes = [_order(resident, here, homes.one, phone=f"1391234500{n}", **{f"qty_{catalogue.rice.pk}": "1"}).status_code
             for n in range(6)]
    assert codes == [200, 200, 200, 429, 429, 429]
    assert SupplyOrder.objects.count() == 3
    limited = _order(resident, here, homes.one, phone="13912345999", **{f"qty_{catalogue.rice.pk}": "1"})
    assert int(limited["Retry-After"]) > 0 and "过于频繁" in _text(limited)


def test_a_flood_for_one_phone_stops_at_the_limit_from_any_address(pages, resident, catalogue, homes, settings):
    settings.FRONTLINE_RESIDENT_PAGE_PER_PHONE = 2
    here, _ = pages
    codes = []
    for n in range(4):
        data = {**_token(resident, here), **_home(homes.one), "kind": "appeal", "category": "other", "text": "求助"}
        codes.append(resident.post(f"/r/{here.code}/request/", data, REMOTE_ADDR=f"10.1.0.{n}").status_code)
    assert codes == [200, 200, 429, 429]
    assert ResidentRequest.objects.count() == 2


def test_a_double_tap_makes_one_order(pages, resident, catalogue, homes):
    here, _ = pages
    data = {**_token(resident, here), **_home(homes.one), f"qty_{catalogue.paper.pk}": "1"}
    first = resident.post(f"/r/{here.code}/order/", data)
    second = resident.post(f"/r/{here.code}/order/", data)
    assert first.status_code == second.status_code == 200
    order = SupplyOrder.objects.get()
    assert order.receipt_display in _text(first) and order.receipt_display in _text(second)
    another = resident.post(f"/r/{here.code}/order/", {**data, **_token(resident, here)})  # a new form: a new order
    assert another.status_code == 200 and SupplyOrder.objects.count() == 2


def test_a_forged_form_token_is_refused(pages, resident, catalogue, homes):
    here, there = pages
    theirs = _token(resident, there)["token"]
    data = {**_token(resident, here), **_home(homes.one), f"qty_{catalogue.paper.pk}": "1", "token": theirs}
    assert resident.post(f"/r/{here.code}/order/", data).status_code == 400
    assert not SupplyOrder.objects.exists()


def test_an_unknown_or_closed_page_is_not_found_in_chinese(pages, resident):
    here, _ = pages
    assert resident.get("/r/no-such-page/").status_code == 404
    ResidentPage.objects.filter(pk=here.pk).update(active=False)
    response = resident.get(f"/r/{here.code}/")
    assert response.status_code == 404 and "页面不存在" in _text(response)
    assert resident.post(f"/r/{here.code}/order/", {}).status_code in (403, 404)  # CSRF first, then the page


def test_the_page_shows_the_grid_its_hotline_and_the_forms(pages, resident, catalogue):
    here, _ = pages
    response = resident.get(f"/r/{here.code}/")
    page = _text(response)
    assert response.status_code == 200 and here.area.name in page
    assert f'href="tel:{here.hotline}"' in page and "订购生活物资" in page and "查询进度" in page
    assert "大米 5kg" in page and "no-store" in response["Cache-Control"]
    assert "<script" not in page and "bootstrap" not in page


def _static_bytes(client, html) -> int:
    total = 0
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        response = client.get(url)
        assert response.status_code == 200, url
        total += len(b"".join(response.streaming_content) if response.streaming else response.content)
    return total


def test_each_page_with_its_assets_is_under_50_kb(pages, resident, catalogue, homes):
    from frontline.demo.care import demo_catalogue_create

    demo_catalogue_create()  # the whole demo catalogue on the page
    here, _ = pages
    page = resident.get(f"/r/{here.code}/")
    receipt = _order(resident, here, homes.one, **{f"qty_{catalogue.rice.pk}": "1"})
    follow = _follow(resident, here, SupplyOrder.objects.get().receipt)
    for response in (page, receipt, follow):
        html = _text(response)
        assert len(response.content) + _static_bytes(resident, html) < 50 * 1024


def test_the_page_reveals_nothing_about_the_grids_residents(pages, resident, catalogue, homes):
    here, _ = pages
    _order(resident, here, homes.two, phone="13700001111", **{f"qty_{catalogue.rice.pk}": "1"})
    shown = _text(resident.get(f"/r/{here.code}/"))
    shown += _text(_follow(resident, here, SupplyOrder.objects.get().receipt, phone="13700001111"))
    shown += _text(_order(resident, here, homes.one, room="9999", **{f"qty_{catalogue.rice.pk}": "1"}))
    residents = Resident.objects.filter(household__building__area=here.area).select_related("person")
    names = {r.person.name for r in residents if len(r.person.name) >= 2}
    phones = {r.person.phone for r in residents if getattr(r.person, "phone", "")}
    assert names and not [name for name in names if name in shown]
    assert not [phone for phone in phones if phone and phone in shown]
    assert "13700001111" not in shown and "1370" not in shown


def test_a_room_asked_without_its_unit_in_a_building_of_units_asks_for_the_unit(pages, resident, catalogue):
    here, _ = pages
    building = Building.objects.filter(area=here.area).first()
    rooms = Household.objects.filter(building__area=here.area).exclude(unit="").values_list("building", "room")
    shared = next(((b, r) for b, r in rooms if Household.objects.filter(building=b, room=r).count() > 1), None)
    if shared is None:
        pytest.skip(f"{building} has no room in several units")
    home = Household.objects.filter(building=shared[0], room=shared[1]).first()
    response = _order(resident, here, home, unit="", **{f"qty_{catalogue.rice.pk}": "1"})
    assert response.status_code == 400 and "单元" in _text(response)
    assert _order(resident, here, home, unit=f"{home.unit}单元", **{f"qty_{catalogue.rice.pk}": "1"}).status_code == 200


def test_the_limits_and_the_one_time_token_hold_in_the_embedded_database_cache(pages, resident, catalogue, homes,
                                                                               settings):
    """The embedded default keeps its cache in the database, so that every web process counts alike."""
    from django.core.management import call_command

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "frontline_page_test_cache"}}
    call_command("createcachetable", verbosity=0)
    settings.FRONTLINE_RESIDENT_PAGE_PER_ADDRESS = 2
    here, _ = pages
    data = {**_token(resident, here), **_home(homes.one), f"qty_{catalogue.paper.pk}": "1"}
    codes = [resident.post(f"/r/{here.code}/order/", data).status_code for _ in range(2)]
    codes += [_order(resident, here, homes.one, addr="127.0.0.1", phone=f"1371234567{n}",
                     **{f"qty_{catalogue.rice.pk}": "1"}).status_code
              for n in range(2)]
    assert codes == [200, 200, 200, 429] and SupplyOrder.objects.count() == 2
