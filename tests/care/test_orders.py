"""Supply orders after placing: confirming a resident-page order, cancelling, the delivery's steps by whoever holds
its work order (and nobody else), spreading a batch over a team, the audited phone reveal, and the figures."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from frontline.areas.figures import Period, figure_table
from frontline.care.models import Channel, DeliveryBatch, OrderStatus, SupplyOrder
from frontline.care.order_services import (
    delivery_accounts,
    delivery_teams,
    order_cancel,
    order_confirm,
    order_deliver,
    order_fail,
    order_phone_reveal,
    order_pick_up,
    order_work,
    orders_assign_team,
    orders_assign_to,
)
from frontline.care.orders import DELIVERY, ORDER_CHECK, LineIn, order_place
from frontline.core.models import AuditLog, WorkOrder, WorkOrderStatus
from frontline.mobilization.models import Team
from frontline.people.models import Resident


def place(city, home, item, *, actor="grid", channel=Channel.GRID, phone="13800138000"):
    return order_place(actor=city.users[actor] if actor else None, household=home, channel=channel,
                       contact_phone=phone, lines=[LineIn(item_id=item.pk, quantity=1)])


@pytest.fixture
def run(city, catalogue, homes):
    """Two confirmed orders (one urgent, for medicine) of the demo grid given to the demo volunteer."""
    orders = [place(city, homes.one, catalogue.rice), place(city, homes.two, catalogue.medicine)]
    volunteer = city.users["volunteer"]
    batch = orders_assign_to(actor=city.users["grid"], area=city.grid,
                             building_ids=[homes.one.building_id, homes.two.building_id], assignee=volunteer)
    return SimpleNamespace(orders=[SupplyOrder.objects.get(pk=o.pk) for o in orders], volunteer=volunteer, batch=batch)


def snapshot():
    return (tuple(SupplyOrder.objects.values_list("pk", "status", "verified", "failed_reason", "delivered_at")
                  .order_by("pk")),
            tuple(WorkOrder.objects.filter(kind__in=[DELIVERY, ORDER_CHECK]).values_list("pk", "status").order_by("pk")),
            AuditLog.objects.count())


def test_the_volunteer_picks_up_and_delivers_and_the_work_order_follows(city, run):
    order = run.orders[0]
    order_pick_up(actor=run.volunteer, order=order)
    assert SupplyOrder.objects.get(pk=order.pk).status == OrderStatus.PICKED_UP
    assert order_work(order, DELIVERY).status == WorkOrderStatus.ACCEPTED
    order_deliver(actor=run.volunteer, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.delivered_at is not None
    work = order_work(order, DELIVERY, active=False)
    assert work.status == WorkOrderStatus.DONE
    assert AuditLog.objects.filter(object_id=str(order.pk), content_type__model="supplyorder",
                                   action="update").count() == 2
    with pytest.raises(ValidationError, match="已是"):  # a second tap
        order_deliver(actor=run.volunteer, order=order)


def test_a_failed_delivery_needs_a_reason_and_closes_the_work_order_as_cannot_do(city, run):
    order = run.orders[1]
    before = snapshot()
    with pytest.raises(ValidationError, match="事由"):
        order_fail(actor=run.volunteer, order=order, reason="  ")
    assert snapshot() == before
    order_fail(actor=run.volunteer, order=order, reason="敲门无人应答，电话未接")
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED and order.failed_reason == "敲门无人应答，电话未接"
    work = order_work(order, DELIVERY, active=False)
    assert work.status == WorkOrderStatus.CANNOT_DO and work.reason == "敲门无人应答，电话未接"


@pytest.mark.parametrize("who", ["grid2", "hotline", "cadre", "courier"])
def test_nobody_but_the_assignee_or_a_desk_moves_a_delivery(city, run, who):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        order_pick_up(actor=city.users[who], order=run.orders[0])
    with pytest.raises(PermissionDenied):
        order_fail(actor=city.users[who], order=run.orders[0], reason="无人")
    assert snapshot() == before


def test_the_grid_worker_who_assigned_it_cannot_deliver_for_the_volunteer_but_the_secretary_may(city, run):
    with pytest.raises(PermissionDenied):
        order_deliver(actor=city.users["grid"], order=run.orders[0])
    order_deliver(actor=city.users["secretary"], order=run.orders[0])
    assert SupplyOrder.objects.get(pk=run.orders[0].pk).status == OrderStatus.DELIVERED


def test_a_placed_order_cannot_be_picked_up_before_it_is_assigned(city, catalogue, homes):
    order = place(city, homes.one, catalogue.rice)
    with pytest.raises(ValidationError, match="没有正在进行的配送"):
        order_pick_up(actor=city.users["secretary"], order=order)


def test_confirming_a_page_order_closes_its_check_and_makes_it_dispatchable(city, catalogue, homes):
    order = place(city, homes.one, catalogue.rice, actor=None, channel=Channel.PAGE)
    with pytest.raises(ValidationError):
        orders_assign_to(actor=city.users["grid"], area=city.grid, building_ids=[homes.one.building_id],
                         assignee=city.users["volunteer"])
    with pytest.raises(PermissionDenied):  # hotline staff take orders, they do not confirm page orders
        order_confirm(actor=city.users["hotline"], order=order)
    order_confirm(actor=city.users["grid"], order=order)
    order.refresh_from_db()
    assert order.verified and order.verified_by == city.users["grid"]
    assert order_work(order, ORDER_CHECK, active=False).status == WorkOrderStatus.DONE
    with pytest.raises(ValidationError, match="已核实过"):
        order_confirm(actor=city.users["grid"], order=order)
    batch = orders_assign_to(actor=city.users["grid"], area=city.grid, building_ids=[homes.one.building_id],
                             assignee=city.users["volunteer"])
    assert list(batch.orders.all()) == [order]


def test_cancelling_an_assigned_order_closes_the_volunteers_delivery(city, run):
    order = run.orders[0]
    with pytest.raises(ValidationError, match="事由"):
        order_cancel(actor=city.users["hotline"], order=order, reason="")
    order_cancel(actor=city.users["hotline"], order=order, reason="居民已自行购买")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.failed_reason == "居民已自行购买"
    assert order_work(order, DELIVERY, active=False).status == WorkOrderStatus.CANNOT_DO
    assert not any(d.order.pk == order.pk for d in __import__(
        "frontline.care.order_selectors", fromlist=["delivery_run"]).delivery_run(actor=run.volunteer))
    order_pick_up(actor=run.volunteer, order=run.orders[1])
    with pytest.raises(ValidationError, match="已不能取消"):  # on its way
        order_cancel(actor=city.users["hotline"], order=run.orders[1], reason="不要了")


def test_a_volunteer_of_another_community_cannot_be_given_a_run(city, catalogue, homes):
    place(city, homes.one, catalogue.rice)
    outsider = city.users["grid2"]  # same community: allowed; a commander is not a deliverer
    assert outsider in delivery_accounts(city.grid)
    before = snapshot()
    with pytest.raises(ValidationError, match="志愿者或网格员"):
        orders_assign_to(actor=city.users["grid"], area=city.grid, building_ids=[homes.one.building_id],
                         assignee=city.users["commander"])
    assert snapshot() == before


def test_a_batch_is_spread_over_a_teams_members_building_by_building(city, catalogue):
    from frontline.areas.models import Household

    homes = list(Household.objects.filter(building__area=city.grid).order_by("building__name", "id"))
    by_building = {}
    for home in homes:
        by_building.setdefault(home.building_id, []).append(home)
    buildings = list(by_building)[:2]  # the demo grid's two buildings: three orders in one, one in the other
    for building, n in zip(buildings, (3, 1)):
        for home in by_building[building][:n]:
            place(city, home, catalogue.rice)
    volunteer, grid = city.users["volunteer"], city.users["grid"]
    persons = list(Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True,
                                           person__accounts__isnull=True).order_by("id")[:2])
    volunteer.person = persons[0].person
    volunteer.save()
    today = timezone.localdate()
    team = Team.objects.create(kind="volunteer", name="志愿服务队", area=city.community, formed_on=today)
    team.members.create(person=volunteer.person, joined_on=today)
    team.members.create(person=grid.person, joined_on=today)
    team.members.create(person=persons[1].person, joined_on=today)  # no account: given nothing
    choice = next(t for t in delivery_teams(city.grid) if t.label == "志愿服务队")
    assert {a.username for a in choice.accounts} == {"volunteer", "grid"}
    batches = orders_assign_team(actor=grid, area=city.grid, building_ids=buildings, team_key=choice.key)
    assert len(batches) == 2 and {b.team_label for b in batches} == {"志愿服务队"}
    per_building = {}
    for batch in batches:
        for order in batch.orders.select_related("household"):
            per_building.setdefault(order.household.building_id, set()).add(batch.assignee_id)
    assert all(len(who) == 1 for who in per_building.values())  # one member a building
    assert sorted(b.orders.count() for b in batches) == [1, 3]
    assert WorkOrder.objects.filter(kind=DELIVERY, assignee__in=[volunteer, grid]).count() == 4


def test_a_team_without_accounts_is_refused_and_nothing_is_assigned(city, catalogue, homes):
    place(city, homes.one, catalogue.rice)
    today = timezone.localdate()
    team = Team.objects.create(kind="commando", name="突击队", area=city.community, formed_on=today)
    person = Resident.objects.filter(household__building__area=city.grid, person__accounts__isnull=True).first().person
    team.members.create(person=person, joined_on=today)
    key = next(t.key for t in delivery_teams(city.grid) if t.label == "突击队")
    before = snapshot()
    with pytest.raises(ValidationError, match="没有成员"):
        orders_assign_team(actor=city.users["grid"], area=city.grid, building_ids=[homes.one.building_id], team_key=key)
    assert snapshot() == before and not DeliveryBatch.objects.exists()


def test_the_phone_reveal_is_audited_and_only_for_the_deliverer_or_who_may_reveal(city, run):
    order = run.orders[0]
    work = order_work(order, DELIVERY)
    assert order_phone_reveal(actor=run.volunteer, order=order, work=work) == "13800138000"
    assert order_phone_reveal(actor=city.users["grid"], order=order) == "13800138000"
    assert AuditLog.objects.filter(action="reveal", object_id=str(order.pk)).count() == 2
    for who in ("volunteer", "hotline", "grid2"):
        with pytest.raises(PermissionDenied):
            order_phone_reveal(actor=city.users[who], order=order)
    with pytest.raises(PermissionDenied):
        order_phone_reveal(actor=city.users["grid2"], order=order, work=work)
    assert AuditLog.objects.filter(action="reveal", object_id=str(order.pk)).count() == 2


def test_the_figures_count_placed_delivered_and_open_orders(city, run, catalogue, homes):
    commander = city.users["commander"]
    today = timezone.localdate()
    period = Period(today, today)
    codes = ["orders_placed", "orders_delivered", "orders_open"]
    table = figure_table(actor=commander, area=city.community, codes=codes, period=period)
    assert table.total == {"orders_placed": 2, "orders_delivered": 0, "orders_open": 2}
    order_deliver(actor=run.volunteer, order=run.orders[0])
    order_cancel(actor=city.users["grid"], order=place(city, homes.one, catalogue.paper), reason="重复下单")
    table = figure_table(actor=commander, area=city.community, codes=codes, period=period)
    assert table.total == {"orders_placed": 3, "orders_delivered": 1, "orders_open": 1}
    yesterday = Period(today - datetime.timedelta(days=1), today - datetime.timedelta(days=1))
    assert figure_table(actor=commander, area=city.city, codes=["orders_delivered"], period=yesterday).total == {
        "orders_delivered": 0}
