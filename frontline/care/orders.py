"""Supply orders (生活物资配送): placing one (from the resident page, a grid worker or the hotline) and assigning
placed orders, batch by building, to a volunteer's delivery run. Each service asks the policy first; a refused
or invalid order writes nothing."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.marks import marks_of
from frontline.core import policy
from frontline.core.audit import audit_bulk_create, audit_create
from frontline.core.models import Priority
from frontline.core.services import work_order_create, work_orders_create_bulk
from frontline.core.validators import normalize_phone

from .models import (
    Channel,
    DeliveryBatch,
    ItemCategory,
    OrderPriority,
    OrderStatus,
    SupplyItem,
    SupplyOrder,
    SupplyOrderLine,
)
from .policy import DISPATCH_ORDERS, TAKE_ORDERS
from .text import clean_text

DELIVERY = "delivery"  # work-order kind: deliver one order to the door
ORDER_CHECK = "order_check"  # work-order kind: confirm an order from the resident page with the household


@dataclass(frozen=True)
class LineIn:
    """One line as asked: a catalogue item (by id) or free text, and how many."""

    item_id: int | None = None
    text: str = ""
    quantity: int = 1


def _lines(lines: list[LineIn]) -> list[SupplyOrderLine]:
    """The order's lines, checked: each names an orderable item or says what it is, in a sensible quantity."""
    asked = [line for line in lines if line.item_id or (line.text or "").strip()]
    if not asked:
        raise ValidationError(_("The order is empty: choose at least one item or write what you need."))
    if len(asked) > settings.FRONTLINE_ORDER_LINES_MAX:
        raise ValidationError(_("An order takes at most %(n)d lines.") % {"n": settings.FRONTLINE_ORDER_LINES_MAX})
    items = SupplyItem.objects.in_bulk([line.item_id for line in asked if line.item_id])
    built, units = [], 0
    for number, line in enumerate(asked, start=1):
        quantity = line.quantity
        if not isinstance(quantity, int) or quantity < 1:
            raise ValidationError(_("Line %(line)d: the quantity must be a whole number of at least 1.") % {"line": number})
        if line.item_id:
            item = items.get(line.item_id)
            if item is None or not item.orderable or not item.active:
                raise ValidationError(_("Line %(line)d: this item cannot be ordered.") % {"line": number})
            if quantity > item.max_per_order:
                raise ValidationError(_("Line %(line)d: at most %(n)d %(unit)s of %(item)s in one order.")
                                      % {"line": number, "n": item.max_per_order, "unit": item.unit, "item": item.name})
            built.append(SupplyOrderLine(item=item, quantity=quantity))
        else:
            text = clean_text(line.text, max_length=100, field=_("Line %(line)d") % {"line": number})
            built.append(SupplyOrderLine(text=text, quantity=quantity))
        units += quantity
    if units > settings.FRONTLINE_ORDER_UNITS_MAX:
        raise ValidationError(_("An order takes at most %(n)d units in all; this one asks for %(units)d.")
                              % {"n": settings.FRONTLINE_ORDER_UNITS_MAX, "units": units})
    return built


def order_priority(household_id: int, lines: list[SupplyOrderLine]) -> tuple[int, list[str]]:
    """Urgent for medicine, and for households an app marks (a sealed zone, a resident with special needs)."""
    reasons = [mark.code for mark in marks_of([household_id]).get(household_id, []) if mark.urgent]
    if any(line.item is not None and line.item.category == ItemCategory.MEDICINE for line in lines):
        reasons.insert(0, "medicine")
    return (OrderPriority.URGENT if reasons else OrderPriority.NORMAL), reasons


def order_place(*, actor, household, channel: str, contact_phone: str, lines: list[LineIn], note: str = "",
                now: datetime.datetime | None = None) -> SupplyOrder:
    """Place an order for a household. `actor` None: a resident on the grid's public page (the order is
    unverified, and the grid worker is asked to confirm it with the household).

    Everything that only reads (the policy, the catalogue, the household's marks) and every check happens before
    the transaction, which then only writes: the order, its lines, its audit entry (and, from the page, the grid
    worker's work order). On SQLite the write lock is held for those writes alone; the database's own constraints
    (a unique receipt, the foreign keys, the checks) back what `clean_fields` does not look up again."""
    area = household.building.area
    if actor is None:
        if channel != Channel.PAGE:
            raise ValidationError(_("Only the resident page takes orders without an account."))
    elif not policy.allows_in(actor, TAKE_ORDERS, area):  # every grant of taking orders is by area
        raise PermissionDenied
    try:
        phone = normalize_phone(contact_phone)
    except ValidationError:
        raise ValidationError(_("The contact phone %(phone)s is not a valid phone number.")
                              % {"phone": contact_phone}) from None
    built = _lines(lines)
    priority, reasons = order_priority(household.pk, built)
    now = now or timezone.now()
    order = SupplyOrder(area=area, household=household, channel=channel, contact_phone=phone,
                        note=clean_text(note, max_length=300, field=_("Note")), priority=priority,
                        priority_reasons=reasons, verified=actor is not None,
                        verified_by=actor, placed_by=actor, placed_at=now, day=timezone.localdate(now))
    order.clean_fields(exclude=["area", "household", "verified_by", "placed_by", "batch"])
    with transaction.atomic():
        order.save(force_insert=True)
        for line in built:
            line.order = order
        SupplyOrderLine.objects.bulk_create(built)
        audit_create(actor, order)
        if actor is None:
            work_order_create(actor=None, kind=ORDER_CHECK,
                              title=_("Confirm an order from the resident page with %(home)s") % {"home": household},
                              area=area, subject=order, assignee_role="grid_worker",
                              priority=Priority.URGENT if priority == OrderPriority.URGENT else Priority.NORMAL)
    return order


@transaction.atomic
def orders_assign(*, actor, area, building_ids: list[int], assignee, team_label: str = "") -> DeliveryBatch:
    """Assign the confirmed, placed orders of these buildings of a grid to a volunteer (a delivery run): one
    batch, one `delivery` work order an order in the volunteer's inbox, urgent ones first."""
    policy.require(actor, DISPATCH_ORDERS, area)
    if assignee is None or not assignee.is_active:
        raise ValidationError(_("Choose who delivers."))
    orders = list(SupplyOrder.objects.select_for_update(of=("self",)).select_related("household__building")
                  .filter(area=area, status=OrderStatus.PLACED, verified=True, household__building_id__in=building_ids)
                  .order_by("priority", "household__building__name", "household__unit", "household__room"))
    if not orders:
        raise ValidationError(_("There is no confirmed order waiting in these buildings."))
    batch = DeliveryBatch.objects.create(area=area, created_by=actor, assignee=assignee, team_label=team_label)
    SupplyOrder.objects.filter(pk__in=[o.pk for o in orders]).update(status=OrderStatus.ASSIGNED, batch=batch)
    audit_bulk_create(actor, [batch])
    for urgent in (True, False):
        chosen = [o for o in orders if (o.priority == OrderPriority.URGENT) == urgent]
        work_orders_create_bulk(actor=actor, kind=DELIVERY, assignee=assignee,
                                priority=Priority.URGENT if urgent else Priority.NORMAL,
                                items=[(o, area, _("Deliver order %(receipt)s to %(home)s")
                                        % {"receipt": o.receipt_display, "home": o.household}) for o in chosen])
    return batch
