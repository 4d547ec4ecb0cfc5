"""Reading supply orders: an area's orders with filters and counts, one order's lines, reasons and timeline, a grid's
orders waiting for dispatch by building, a deliverer's run (only what each delivery needs), a household's history.
Each takes the actor; lists go through the scope."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from frontline.areas.marks import household_marks
from frontline.areas.models import Area, Building
from frontline.core.models import ACTIVE_STATUSES, AuditLog, WorkOrder, WorkOrderEvent
from frontline.core.validators import mask_name, mask_phone
from frontline.people.models import Resident

from .models import OrderPriority, OrderStatus, SupplyOrder, SupplyOrderLine
from .orders import DELIVERY, ORDER_CHECK
from .policy import VIEW_ORDERS


def _lines_prefetch():
    return Prefetch("lines", queryset=SupplyOrderLine.objects.select_related("item").order_by("id"))


@dataclass
class OrderFilter:
    status: str = ""
    priority: int | None = None
    building: int | None = None
    day: datetime.date | None = None


def orders_of_area(*, actor, area: Area, where: OrderFilter | None = None):
    """The orders under an area the actor may see, filtered; urgent first, newest first."""
    where = where or OrderFilter()
    rows = SupplyOrder.objects.visible_to(actor).filter(area__path__startswith=area.path)
    if where.status:
        rows = rows.filter(status=where.status)
    if where.priority:
        rows = rows.filter(priority=where.priority)
    if where.building:
        rows = rows.filter(household__building_id=where.building)
    if where.day:
        rows = rows.filter(day=where.day)
    return rows


def order_counts(rows) -> dict[str, int]:
    """Orders by status (and urgent open ones, and those waiting for a confirmation) in one query."""
    counts = rows.aggregate(total=Count("id"), **{s: Count("id", filter=Q(status=s)) for s in OrderStatus.values},
                            urgent_open=Count("id", filter=Q(priority=OrderPriority.URGENT,
                                                             status__in=[OrderStatus.PLACED, OrderStatus.ASSIGNED,
                                                                         OrderStatus.PICKED_UP])),
                            unverified=Count("id", filter=Q(verified=False, status=OrderStatus.PLACED)))
    return counts


def order_list_rows(rows):
    return (rows.select_related("household__building", "area").prefetch_related(_lines_prefetch())
            .order_by("priority", "-placed_at", "-id"))


def order_get_for(actor, pk) -> SupplyOrder:
    from frontline.core.scoping import get_for

    return get_for(SupplyOrder.objects.select_related("household__building", "area", "batch__assignee", "placed_by",
                                                      "verified_by").prefetch_related(_lines_prefetch()), actor, pk)


def priority_labels(order: SupplyOrder) -> list[str]:
    """Why an order is urgent, in words."""
    labels = []
    for code in order.priority_reasons or []:
        if code == "medicine":
            labels.append(_("Medicine"))
        else:
            mark = household_marks.get(code)
            labels.append(str(mark.label) if mark else code)
    return labels


@dataclass
class TimelineEntry:
    at: datetime.datetime
    who: str
    what: str
    note: str = ""


def order_timeline(order: SupplyOrder) -> list[TimelineEntry]:
    """What happened to an order, oldest first: its own audit entries (placed, changed, phone revealed) and the
    events of its work orders (confirmation, delivery). Two queries."""
    from frontline.core.models import AuditAction

    entries = []
    ct = ContentType.objects.get_for_model(SupplyOrder)
    for log in AuditLog.objects.filter(content_type=ct, object_id=str(order.pk)).order_by("at", "id"):
        if log.action == AuditAction.CREATE:
            what = _("Placed")
        elif log.action == AuditAction.REVEAL:
            what = _("Contact phone revealed")
        else:
            status = (log.changes or {}).get("status")
            if status:
                what = str(OrderStatus(status[1]).label) if status[1] in OrderStatus.values else str(status[1])
            elif "verified" in (log.changes or {}):
                what = _("Confirmed with the household")
            else:
                what = log.get_action_display()
        entries.append(TimelineEntry(log.at, log.actor_name if log.actor_id else _("Resident page"), what))
    events = (WorkOrderEvent.objects.filter(work_order__subject_type=ct, work_order__subject_id=order.pk,
                                            work_order__kind__in=[DELIVERY, ORDER_CHECK])
              .select_related("actor", "work_order").order_by("at", "id"))
    for event in events:
        entries.append(TimelineEntry(event.at, event.actor.username if event.actor else _("system"),
                                     f"{event.work_order.kind_label}: {event.get_action_display()}", event.note))
    return sorted(entries, key=lambda e: e.at)


def order_work_orders(order: SupplyOrder, actor) -> list[WorkOrder]:
    ct = ContentType.objects.get_for_model(SupplyOrder)
    return list(WorkOrder.objects.visible_to(actor).filter(subject_type=ct, subject_id=order.pk,
                                                           kind__in=[DELIVERY, ORDER_CHECK])
                .select_related("assignee").order_by("id"))


@dataclass
class BuildingWaiting:
    building: Building
    orders: int = 0
    urgent: int = 0


def dispatch_waiting(area: Area) -> list[BuildingWaiting]:
    """A grid's confirmed, placed orders by building: how many, how many urgent. One query."""
    counts = (SupplyOrder.objects.filter(area=area, status=OrderStatus.PLACED, verified=True)
              .values_list("household__building_id")
              .annotate(n=Count("id"), urgent=Count("id", filter=Q(priority=OrderPriority.URGENT))).order_by())
    by_building = {b: (n, u) for b, n, u in counts}
    buildings = Building.objects.filter(pk__in=by_building).order_by("name")
    return [BuildingWaiting(b, *by_building[b.pk]) for b in buildings]


def orders_unverified(area: Area):
    return order_list_rows(SupplyOrder.objects.filter(area=area, status=OrderStatus.PLACED, verified=False))


@dataclass
class Delivery:
    """One stop of a delivery run: the work order and only what the delivery needs."""

    work: WorkOrder
    order: SupplyOrder
    name: str  # the household's first resident, masked
    lines: list = field(default_factory=list)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.order.contact_phone)

    @property
    def urgent(self) -> bool:
        return self.order.priority == OrderPriority.URGENT


def deliveries_for(works: list[WorkOrder]) -> list[Delivery]:
    """The stops of these delivery work orders, in their order: three queries for any number."""
    orders = {o.pk: o for o in SupplyOrder.objects.filter(pk__in=[w.subject_id for w in works])
              .select_related("household__building").prefetch_related(_lines_prefetch())}
    household_ids = {o.household_id for o in orders.values()}
    first: dict[int, str] = {}
    for household_id, name in (Resident.objects.filter(household_id__in=household_ids, moved_out__isnull=True)
                               .order_by("household_id", "id").values_list("household_id", "person__name")):
        first.setdefault(household_id, name)
    stops = []
    for work in works:
        order = orders.get(work.subject_id)
        if order is not None:
            stops.append(Delivery(work, order, mask_name(first.get(order.household_id, "")),
                                  list(order.lines.all())))
    return stops


def delivery_run(*, actor) -> list[Delivery]:
    """The actor's own open delivery work orders, urgent first, then the oldest."""
    works = list(WorkOrder.objects.visible_to(actor).filter(kind=DELIVERY, assignee=actor, status__in=ACTIVE_STATUSES)
                 .order_by("-priority", "created_at", "id"))
    return deliveries_for(works)


def delivery_done_today(*, actor, today: datetime.date) -> int:
    return (WorkOrder.objects.visible_to(actor)
            .filter(kind=DELIVERY, assignee=actor, closed_at__date=today).exclude(status__in=ACTIVE_STATUSES).count())


def household_orders(*, actor, household, limit: int = 10):
    """A household's orders, newest first, for those who may see orders there."""
    return order_list_rows(SupplyOrder.objects.restrict(actor, VIEW_ORDERS).filter(household=household)).order_by(
        "-placed_at", "-id")[:limit]
