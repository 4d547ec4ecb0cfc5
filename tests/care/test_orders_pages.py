"""Supply-order pages: the area's list with filters and counts (its queries do not grow with its rows), an order's
page with its masked phone and audited reveal, a grid's dispatch (confirm, give buildings to a volunteer), taking an
order by building, unit and room, the volunteer's run (their own stops only, 404 for another's), the household's
history, and the API."""

import json

import pytest
from django.urls import reverse

from frontline.care.models import Channel, OrderStatus, SupplyOrder
from frontline.care.order_services import order_work
from frontline.care.orders import DELIVERY, LineIn, order_place, orders_assign
from frontline.core.models import AuditLog, User, WorkOrder
from tests.access import api_client


def place(city, home, item, *, actor="grid", phone="13800138000", **kwargs):
    return order_place(actor=city.users[actor] if actor else None, household=home,
                       channel=Channel.GRID if actor else Channel.PAGE, contact_phone=phone,
                       lines=[LineIn(item_id=item.pk, quantity=1)], **kwargs)


@pytest.fixture
def given(city, catalogue, homes):
    """An order of each demo household given to the demo volunteer (the second one urgent: medicine)."""
    orders = [place(city, homes.one, catalogue.rice, phone="13811112222"),
              place(city, homes.two, catalogue.medicine, phone="13933334444")]
    orders_assign(actor=city.users["grid"], area=city.grid,
                  building_ids=[homes.one.building_id, homes.two.building_id], assignee=city.users["volunteer"])
    return [SupplyOrder.objects.get(pk=o.pk) for o in orders]


def test_the_grid_worker_lists_the_grids_orders_with_counts_and_filters(city, catalogue, homes, client_for, given):
    place(city, homes.one, catalogue.paper)
    client = client_for("grid")
    page = client.get(reverse("order_list")).content.decode()
    assert page.count('data-testid="order-row"') == 3
    assert 'data-testid="count-total">3<' in page and 'data-testid="count-urgent">1<' in page
    assert "13811112222" not in page
    assigned = client.get(reverse("order_list"), {"status": OrderStatus.ASSIGNED, "area": city.grid.pk}).content.decode()
    assert assigned.count('data-testid="order-row"') == 2
    urgent = client.get(reverse("order_list"), {"priority": 1, "building": homes.two.building_id}).content.decode()
    assert urgent.count('data-testid="order-row"') == 1


def test_hotline_staff_see_the_list_but_not_the_dispatch_and_volunteers_see_neither(city, client_for, given):
    assert client_for("hotline").get(reverse("order_list")).status_code == 200
    assert client_for("hotline").get(reverse("order_dispatch", args=[city.grid.pk])).status_code == 403
    assert client_for("volunteer").get(reverse("order_list")).status_code == 403
    assert client_for("volunteer").get(reverse("order_detail", args=[given[0].pk])).status_code == 403


def test_the_list_makes_as_many_queries_for_fifty_orders_as_for_two(city, catalogue, homes, client_for,
                                                                    django_assert_max_num_queries):
    from frontline.areas.models import Household

    client = client_for("secretary")
    place(city, homes.one, catalogue.rice)
    place(city, homes.two, catalogue.rice)
    url = reverse("order_list") + f"?area={city.community.pk}"
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for home in Household.objects.filter(building__area=city.grid).order_by("id")[:24]:
        place(city, home, catalogue.vegetables)
        place(city, home, catalogue.medicine)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('data-testid="order-row"') == 50


def test_an_orders_page_masks_the_phone_and_its_reveal_is_logged(city, client_for, given):
    client = client_for("grid")
    order = given[1]
    page = client.get(reverse("order_detail", args=[order.pk])).content.decode()
    assert "139****4444" in page and "13933334444" not in page
    assert 'data-testid="reasons"' in page  # medicine
    assert 'data-testid="timeline"' in page
    revealed = client.post(reverse("order_reveal", args=[order.pk])).content.decode()
    assert 'href="tel:13933334444"' in revealed
    assert AuditLog.objects.filter(action="reveal", object_id=str(order.pk)).count() == 1
    assert client_for("hotline").post(reverse("order_reveal", args=[order.pk])).status_code == 403


def test_the_dispatch_page_confirms_a_page_order_and_gives_its_building_to_a_volunteer(city, catalogue, homes, client_for):
    page_order = place(city, homes.one, catalogue.rice, actor=None)
    client = client_for("grid")
    url = reverse("order_dispatch", args=[city.grid.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="unverified-row"' in page and 'data-testid="nothing-waiting"' in page
    client.post(reverse("order_confirm", args=[page_order.pk]), {"next": "dispatch"})
    page = client.get(url).content.decode()
    assert 'data-testid="unverified-row"' not in page and f'value="{homes.one.building_id}"' in page
    volunteer = User.objects.get(username="volunteer")
    assert f'value="user:{volunteer.pk}"' in page
    response = client.post(url, {"buildings": [homes.one.building_id], "assignee": f"user:{volunteer.pk}"})
    assert response.status_code == 302
    assert SupplyOrder.objects.get(pk=page_order.pk).status == OrderStatus.ASSIGNED
    assert order_work(page_order, DELIVERY).assignee == volunteer


def test_a_dispatch_to_someone_outside_the_community_is_refused_with_a_message(city, catalogue, homes, client_for):
    order = place(city, homes.one, catalogue.rice)
    client = client_for("grid")
    response = client.post(reverse("order_dispatch", args=[city.grid.pk]),
                           {"buildings": [homes.one.building_id], "assignee": f"user:{city.users['commander'].pk}"})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert SupplyOrder.objects.get(pk=order.pk).status == OrderStatus.PLACED


def test_hotline_staff_take_an_order_by_building_unit_and_room(city, catalogue, homes, client_for):
    client = client_for("hotline")
    picker = client.get(reverse("order_take")).content.decode()
    assert 'data-testid="grid"' in picker  # a street: choose the grid first
    url = reverse("order_take") + f"?grid={city.grid.pk}"
    form = client.get(url).content.decode()
    assert f'name="item_{catalogue.rice.pk}"' in form
    home = homes.one
    data = {"grid": city.grid.pk, "building": home.building_id, "unit": home.unit, "room": "9999",
            "contact_phone": "13800138000", f"item_{catalogue.rice.pk}": "1"}
    wrong = client.post(url, data).content.decode()
    assert 'data-testid="form-errors"' in wrong and not SupplyOrder.objects.exists()
    data.update(room=home.room, text_0="退烧贴", quantity_0="2")
    response = client.post(url, data)
    order = SupplyOrder.objects.get()
    assert response.status_code == 302 and order.household == home and order.channel == Channel.HOTLINE
    assert sorted(str(line) for line in order.lines.all()) == sorted(["大米 5kg × 1", "退烧贴 × 2"])


def test_an_absurd_take_is_refused_and_nothing_is_written(city, catalogue, homes, client_for):
    home = homes.one
    response = client_for("grid").post(reverse("order_take"), {
        "building": home.building_id, "unit": home.unit, "room": home.room, "contact_phone": "12345",
        "text_0": "大米", "quantity_0": "1"})
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    assert not SupplyOrder.objects.exists()


def test_the_volunteer_runs_their_own_deliveries_only(city, catalogue, homes, client_for, given):
    client = client_for("volunteer")
    page = client.get(reverse("delivery_run")).content.decode()
    assert page.count('data-testid="stop"') == 2
    assert page.index(given[1].receipt_display) < page.index(given[0].receipt_display)  # urgent first
    assert "13811112222" not in page and "138****2222" in page
    work = order_work(given[0], DELIVERY)
    call = client.post(reverse("delivery_call", args=[work.pk])).content.decode()
    assert 'href="tel:13811112222"' in call
    assert AuditLog.objects.filter(action="reveal", object_id=str(given[0].pk), actor__username="volunteer").exists()
    assert client.post(reverse("delivery_act", args=[work.pk, "pick_up"])).status_code == 302
    assert client.post(reverse("delivery_act", args=[work.pk, "deliver"])).status_code == 302
    assert SupplyOrder.objects.get(pk=given[0].pk).status == OrderStatus.DELIVERED
    assert client.get(reverse("delivery_run")).content.decode().count('data-testid="stop"') == 1
    # Another's delivery is not found; an order's page is not theirs at all.
    other = place(city, homes.one, catalogue.paper)
    orders_assign(actor=city.users["grid"], area=city.grid, building_ids=[homes.one.building_id],
                  assignee=city.users["grid2"])
    theirs = order_work(other, DELIVERY)
    for name in ("delivery_order",):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("delivery_call", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("delivery_act", args=[theirs.pk, "deliver"])).status_code == 404


def test_the_delivery_kind_is_done_on_its_own_page(city, client_for, given):
    work = order_work(given[1], DELIVERY)
    page = client_for("volunteer").get(reverse("delivery_order", args=[work.pk])).content.decode()
    assert 'data-testid="deliver"' in page and 'data-testid="call"' in page
    from django.core.exceptions import ValidationError

    from frontline.core.services import work_order_complete

    with pytest.raises(ValidationError):  # "done" in the generic inbox would close it without the delivery
        work_order_complete(actor=city.users["volunteer"], order=WorkOrder.objects.get(pk=work.pk))
    assert WorkOrder.objects.get(pk=work.pk).status == "open"
    grid_view = client_for("grid").get(reverse("delivery_order", args=[work.pk])).content.decode()
    assert 'data-testid="deliver"' not in grid_view  # sees it, does not do it


def test_the_household_page_shows_its_order_history_to_who_may_see_orders(city, client_for, given, homes):
    page = client_for("grid").get(reverse("household_detail", args=[homes.one.pk])).content.decode()
    assert 'data-testid="household-orders"' in page and given[0].receipt_display in page
    cadre = client_for("cadre").get(reverse("household_detail", args=[homes.one.pk])).content.decode()
    assert 'data-testid="household-orders"' not in cadre


def test_the_api_lists_masked_orders_places_one_and_runs_a_delivery(city, catalogue, homes, given):
    grid = api_client(city.users["grid"])
    listed = grid.get("/api/v1/care/orders").json()
    assert {row["contact_phone"] for row in listed["items"]} == {"138****2222", "139****4444"}
    created = grid.post("/api/v1/care/orders", json.dumps({
        "household_id": homes.one.pk, "contact_phone": "13800138000", "channel": "grid",
        "lines": [{"item_id": catalogue.rice.pk, "quantity": 1}]}), content_type="application/json")
    assert created.status_code == 201 and created.json()["lines"][0]["text"] == "大米 5kg"
    absurd = grid.post("/api/v1/care/orders", json.dumps({
        "household_id": homes.one.pk, "contact_phone": "13800138000", "lines": [{"text": "大米", "quantity": 10000}]}),
        content_type="application/json")
    assert absurd.status_code == 422 and SupplyOrder.objects.count() == 3
    volunteer = api_client(city.users["volunteer"])
    run = volunteer.get("/api/v1/care/deliveries").json()
    assert len(run) == 2 and run[0]["urgent"] and run[0]["contact_phone"] == "139****4444"
    step = volunteer.post(f"/api/v1/care/deliveries/{run[0]['work_order_id']}/fail", json.dumps({"reason": ""}),
                          content_type="application/json")
    assert step.status_code == 422
    done = volunteer.post(f"/api/v1/care/deliveries/{run[0]['work_order_id']}/deliver", "{}",
                          content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "delivered"
    assert volunteer.get("/api/v1/care/orders").status_code == 403


def test_the_dispatch_page_spreads_buildings_over_a_team(city, catalogue, homes, client_for):
    from django.utils import timezone

    from frontline.mobilization.models import Team

    place(city, homes.one, catalogue.rice)
    place(city, homes.two, catalogue.rice)
    today = timezone.localdate()
    team = Team.objects.create(kind="volunteer", name="楼栋志愿服务队", area=city.community, formed_on=today)
    team.members.create(person=city.users["grid"].person, joined_on=today)
    client = client_for("secretary")
    url = reverse("order_dispatch", args=[city.grid.pk])
    page = client.get(url).content.decode()
    key = f"team:team_members:{team.pk}"
    assert f'value="{key}"' in page and "楼栋志愿服务队" in page
    response = client.post(url, {"buildings": sorted({homes.one.building_id, homes.two.building_id}), "assignee": key})
    assert response.status_code == 302
    orders = SupplyOrder.objects.select_related("batch")
    assert {(o.status, o.batch.team_label, o.batch.assignee.username) for o in orders} == {
        (OrderStatus.ASSIGNED, "楼栋志愿服务队", "grid")}


def test_the_delivery_run_makes_as_many_queries_for_many_stops_as_for_one(city, catalogue, client_for,
                                                                         django_assert_max_num_queries):
    from frontline.areas.models import Household

    homes = list(Household.objects.filter(building__area=city.grid).order_by("id")[:12])
    client = client_for("volunteer")

    def give(some):
        for home in some:
            place(city, home, catalogue.vegetables)
        orders_assign(actor=city.users["grid"], area=city.grid,
                      building_ids=sorted({h.building_id for h in some}), assignee=city.users["volunteer"])

    give(homes[:1])
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("delivery_run"))
    give(homes[1:])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("delivery_run")).content.decode()
    assert page.count('data-testid="stop"') == 12
