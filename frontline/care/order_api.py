"""API: supply orders for phone apps and the hotline's systems: the orders in the caller's scope (phones masked),
placing one for a household, and a deliverer's run with its steps (picked up, delivered, failed with a reason).
The deliverer sees an order only through their own delivery work order."""

import datetime

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from frontline.areas.models import Household
from frontline.core import policy
from frontline.core.selectors import work_order_get_for
from frontline.core.validators import mask_phone

from . import order_services
from .models import Channel, OrderStatus, SupplyOrder
from .order_selectors import OrderFilter, deliveries_for, delivery_run, order_list_rows, orders_of_area
from .orders import DELIVERY, LineIn, order_place
from .policy import TAKE_ORDERS, VIEW_ORDERS

router = Router(tags=["supply orders"])


class LineOut(Schema):
    item_id: int | None
    text: str
    quantity: int

    @staticmethod
    def resolve_text(obj):
        return obj.item.name if obj.item_id else obj.text


class OrderOut(Schema):
    id: int
    receipt: str
    area_id: int
    household_id: int
    building: str
    unit: str
    room: str
    channel: str
    status: str
    priority: int
    priority_reasons: list[str]
    verified: bool
    contact_phone: str  # masked
    placed_at: datetime.datetime
    delivered_at: datetime.datetime | None
    lines: list[LineOut]

    @staticmethod
    def resolve_receipt(obj):
        return obj.receipt_display

    @staticmethod
    def resolve_building(obj):
        return obj.household.building.name

    @staticmethod
    def resolve_unit(obj):
        return obj.household.unit

    @staticmethod
    def resolve_room(obj):
        return obj.household.room

    @staticmethod
    def resolve_contact_phone(obj):
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class LineIn_(Schema):
    item_id: int | None = None
    text: str = ""
    quantity: int = 1


class OrderIn(Schema):
    household_id: int
    contact_phone: str
    lines: list[LineIn_]
    note: str = ""
    channel: Channel = Channel.HOTLINE


class DeliveryOut(Schema):
    work_order_id: int
    order_id: int
    receipt: str
    status: str
    urgent: bool
    building: str
    unit: str
    room: str
    name: str  # the household's first resident, masked
    contact_phone: str  # masked; the full number only by a reveal
    lines: list[LineOut]


class StepIn(Schema):
    reason: str = ""


def _delivery_out(stop) -> dict:
    home = stop.order.household
    return {"work_order_id": stop.work.pk, "order_id": stop.order.pk, "receipt": stop.order.receipt_display,
            "status": stop.order.status, "urgent": stop.urgent, "building": home.building.name, "unit": home.unit,
            "room": home.room, "name": stop.name, "contact_phone": stop.phone_masked, "lines": stop.lines}


@router.get("/care/orders", response=list[OrderOut])
@paginate
@policy.api_requires(VIEW_ORDERS)
def order_list(request, status: OrderStatus | None = None, day: datetime.date | None = None, area: int | None = None):
    """Orders in the caller's scope (under `area` if given), urgent first, newest first; phones masked."""
    from frontline.areas.models import Area

    place = None
    if area is not None:
        try:
            place = Area.objects.restrict(request.auth, VIEW_ORDERS).get(pk=area)
        except Area.DoesNotExist:
            raise Http404 from None
    rows = (orders_of_area(actor=request.auth, area=place, where=OrderFilter(status=status or "", day=day))
            if place is not None else SupplyOrder.objects.visible_to(request.auth)
            .filter(**({"status": status} if status else {})).filter(**({"day": day} if day else {})))
    return order_list_rows(rows)


@router.post("/care/orders", response={201: OrderOut})
@policy.api_requires(TAKE_ORDERS)
def order_create(request, data: OrderIn):
    """Place an order for a household in the caller's scope (a grid worker's, the hotline's): items of the
    catalogue by id or free text. 422 says what is wrong; nothing is written then."""
    try:
        household = (Household.objects.restrict(request.auth, TAKE_ORDERS).select_related("building")
                     .get(pk=data.household_id))
    except Household.DoesNotExist:
        raise Http404 from None
    order = order_place(actor=request.auth, household=household, channel=data.channel, contact_phone=data.contact_phone,
                        lines=[LineIn(item_id=line.item_id, text=line.text, quantity=line.quantity)
                               for line in data.lines], note=data.note)
    return Status(201, order_list_rows(SupplyOrder.objects.filter(pk=order.pk)).get())


@router.get("/care/deliveries", response=list[DeliveryOut])
@policy.api_requires(policy.VIEW_WORK)
def delivery_list(request):
    """The caller's own open deliveries, urgent first: address, lines, a masked name and phone."""
    return [_delivery_out(stop) for stop in delivery_run(actor=request.auth)]


STEPS = {"pick-up": "pick_up", "deliver": "deliver", "fail": "fail"}


@router.post("/care/deliveries/{work_order_id}/{step}", response=DeliveryOut)
@policy.api_requires(policy.VIEW_WORK)
def delivery_step(request, work_order_id: int, step: str, data: StepIn):
    """`pick-up`, `deliver`, or `fail` (with `reason`) one of the caller's deliveries."""
    work = work_order_get_for(request.auth, work_order_id)
    if work.kind != DELIVERY or step not in STEPS:
        raise Http404
    order = SupplyOrder.objects.get(pk=work.subject_id)
    if STEPS[step] == "fail":
        order_services.order_fail(actor=request.auth, order=order, reason=data.reason)
    else:
        getattr(order_services, f"order_{STEPS[step]}")(actor=request.auth, order=order)
    work.refresh_from_db()
    return _delivery_out(deliveries_for([work])[0])
