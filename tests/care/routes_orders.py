"""The access matrix's entries for supply orders: the list, an order's page and its cancel (view / take orders: the
desks, grid workers, hotline), the phone's reveal (reveal), confirming a page order and a grid's dispatch (dispatch
orders: desks and grid workers), taking an order; the delivery run, a delivery's own page, its call and its steps
(through the delivery work order: seen by who sees the work order, done by its assignee or a desk); and the API."""

from django.db.models import Count

from frontline.areas.models import Household
from frontline.care.models import Channel, DeliveryBatch, SupplyItem, SupplyOrder
from frontline.care.order_services import order_work
from frontline.care.orders import DELIVERY, LineIn, order_place, orders_assign
from frontline.care.policy import DISPATCH_ORDERS, TAKE_ORDERS, VIEW_ORDERS
from frontline.core import policy
from frontline.core.services import can_act


def _pk(attr):
    return lambda o, where, user: {"pk": getattr(o[where], attr).pk}


def _takes(user, household) -> bool:
    return Household.objects.restrict(user, TAKE_ORDERS).filter(pk=household.pk).exists()


def _order_data(o, where):
    return {"household_id": o[where].household.pk, "contact_phone": "13800138000",
            "lines": [{"text": "大米", "quantity": 1}], "channel": "hotline"}


def _take_data(o, where):
    home = o.inside.household
    return {"building": home.building_id, "unit": home.unit, "room": home.room, "contact_phone": "13800138000",
            "text_0": "挂面", "quantity_0": "2"}


def entries(matrix):
    Route, _obj = matrix.Route, matrix._obj
    delivery = _obj("delivery_work")
    acts = lambda user, work: can_act(user, work)  # noqa: E731
    pages = {
        "order_list": Route(VIEW_ORDERS, outside=False),
        "order_take": Route(TAKE_ORDERS, method="post", data=_take_data, outside=False),
        "order_detail": Route(VIEW_ORDERS, _pk("supply_order"), _obj("supply_order")),
        "order_reveal": Route(policy.REVEAL, _pk("supply_order"), _obj("supply_order"), method="post"),
        "order_confirm": Route(DISPATCH_ORDERS, _pk("page_order"), _obj("page_order"), method="post"),
        "order_cancel": Route(TAKE_ORDERS, _pk("supply_order"), _obj("supply_order"), method="post",
                              data=lambda o, w: {"reason": "居民已自行购买"}),
        "order_dispatch": Route(DISPATCH_ORDERS, lambda o, where, user: {"area_pk": o[where].grid.pk}, _obj("grid"),
                                method="post", data=lambda o, w: {"buildings": [o[w].household.building_id],
                                                                  "assignee": "user:0"}),
        "delivery_run": Route(policy.VIEW_WORK, outside=False),
        "delivery_order": Route(policy.VIEW_WORK, _pk("delivery_work"), delivery),
        "delivery_call": Route(policy.VIEW_WORK, _pk("delivery_work"), delivery, method="post", may=acts),
        "delivery_act": Route(policy.VIEW_WORK, lambda o, where, user: {"pk": o[where].delivery_work.pk,
                                                                          "action": "pick_up"},
                              delivery, method="post", may=acts),
    }
    api = {
        ("get", "/api/v1/care/orders"): Route(VIEW_ORDERS, outside=False),
        ("post", "/api/v1/care/orders"): Route(TAKE_ORDERS, target=_obj("household"), method="post", data=_order_data,
                                               visible=_takes),
        ("get", "/api/v1/care/deliveries"): Route(policy.VIEW_WORK, outside=False),
        ("post", "/api/v1/care/deliveries/{work_order_id}/{step}"): Route(
            policy.VIEW_WORK, lambda o, w, u: {"work_order_id": o[w].delivery_work.pk, "step": "pick-up"}, delivery,
            method="post", may=acts),
    }
    return pages, api


def place(o, city):
    """In each probe grid: an order confirmed and given to a deliverer (the demo volunteer inside, the far grid's
    worker outside), with its delivery work order, and an unconfirmed order from the resident page."""
    item, _created = SupplyItem.objects.get_or_create(name="蔬菜包", defaults={"category": "food", "unit": "份",
                                                                                 "orderable": True})
    for here, author, deliverer in ((o.inside, "grid", city.users["volunteer"]),
                                    (o.outside, "district2", o.outside.account)):
        actor = city.users[author]
        here.supply_order = order_place(actor=actor, household=here.household, channel=Channel.GRID,
                                        contact_phone="13800138000", lines=[LineIn(item_id=item.pk)])
        orders_assign(actor=actor, area=here.grid, building_ids=[here.household.building_id], assignee=deliverer)
        here.delivery_work = order_work(here.supply_order, DELIVERY)
        here.page_order = order_place(actor=None, household=here.household, channel=Channel.PAGE,
                                      contact_phone="13900139000", lines=[LineIn(text="退烧药")])


def fingerprint():
    return (tuple(SupplyOrder.objects.values_list("status", "verified").annotate(n=Count("id")).order_by("status",
                                                                                                         "verified")),
            DeliveryBatch.objects.count())
