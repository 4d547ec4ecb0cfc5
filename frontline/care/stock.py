"""Protective supplies at sites (防疫物资出入库): receiving, sending out, moving between sites, a count's
adjustment, issuing to recipients, and assembling gift packs; the catalogue's upkeep.

Stock never goes negative, also when two people take the last units at once: every withdrawal is one conditional
UPDATE (`quantity >= n`) in the transaction that writes its move, and the database's CHECK backs it.

Gift packs (防疫礼包, items of category kit): a site stocks assembled packs as an item of their own.
`stock_assemble_kits` takes the parts out (moves `out`) and puts the packs in (a move `in`); issuing a pack then
takes packs, never parts, so a pack handed out is one that was put together and counted.

A move that leaves an item at or below its `low_at` (when one is set) raises a work order of kind `stock_low`
for the site's area (once while it is open): the community secretary's for a community's or a grid's site, the
street officer's for a street's, the commander's above."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, AreaLevel
from frontline.core import policy
from frontline.core.audit import audit_create, audit_record, audit_update, snapshot
from frontline.core.models import AuditAction, Priority
from frontline.core.services import work_orders_create_bulk

from .models import ItemCategory, KitPart, MoveKind, RecipientKind, Stock, StockMove, SupplyItem
from .policy import MANAGE_CATALOGUE, MOVE_STOCK
from .text import clean_text

STOCK_LOW = "stock_low"  # work-order kind: an item at a site is at or below its low mark
QUANTITY_MAX = 1_000_000  # the most one move (or one count) may hold: beyond it is a typing error


def quantity_checked(value, *, field: str, allow_zero: bool = False) -> int:
    """A whole number of units between 1 (0 for a count) and QUANTITY_MAX, or a message naming the field."""
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 12:  # 12 digits: far beyond QUANTITY_MAX, still a number
            if text.lstrip("-").isdigit():
                raise ValidationError(_("%(field)s: at most %(n)d.") % {"field": field, "n": QUANTITY_MAX})
            raise ValidationError(_("%(field)s: write a whole number.") % {"field": field})
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(field)s: write a whole number.") % {"field": field})
    least = 0 if allow_zero else 1
    if value < least:
        raise ValidationError(_("%(field)s: at least %(n)d.") % {"field": field, "n": least})
    if value > QUANTITY_MAX:
        raise ValidationError(_("%(field)s: at most %(n)d; %(value)d looks like a typing error.")
                              % {"field": field, "n": QUANTITY_MAX, "value": value})
    return value


def _stocked(item: SupplyItem) -> SupplyItem:
    if not item.stocked or not item.active:
        raise ValidationError(_("%(item)s is not kept in stock at sites.") % {"item": item.name})
    return item


def _row(site, item: SupplyItem) -> Stock:
    row, _created = Stock.objects.get_or_create(site=site, item=item)
    return row


def _deposit(site, item: SupplyItem, n: int) -> Stock:
    row = _row(site, item)
    Stock.objects.filter(pk=row.pk).update(quantity=F("quantity") + n)
    return row


def _withdraw(site, item: SupplyItem, n: int) -> Stock:
    """Take n units out, or refuse naming what is left: one conditional UPDATE, so two people taking the last
    units at once cannot both have them."""
    row = Stock.objects.filter(site=site, item=item).first()
    taken = row is not None and Stock.objects.filter(pk=row.pk, quantity__gte=n).update(
        quantity=F("quantity") - n) == 1
    if not taken:
        left = Stock.objects.filter(site=site, item=item).values_list("quantity", flat=True).first() or 0
        raise ValidationError(_("%(site)s has only %(left)d %(unit)s of %(item)s left; %(n)d cannot be taken out.")
                              % {"site": site.name, "left": left, "unit": item.unit, "item": item.name, "n": n})
    return row


def _move(actor, site, item, kind: str, quantity: int, now, **fields) -> StockMove:
    move = StockMove(site=site, item=item, kind=kind, quantity=quantity, at=now,
                     actor=actor if actor is not None and actor.is_authenticated else None, **fields)
    move.full_clean()
    move.save()
    audit_create(actor, move)
    return move


def _alert_area(site) -> tuple[Area, str]:
    """Where a low-stock work order goes, and to which role."""
    area = site.area
    if area.level == AreaLevel.GRID:
        area = Area.objects.get_parent(area)
    role = {AreaLevel.COMMUNITY: "community_secretary", AreaLevel.STREET: "street_officer"}.get(area.level, "commander")
    return area, role


def _check_low(actor, rows: list[Stock]) -> None:
    """A work order for each row now at or below its low mark (none while one is open for it)."""
    low = list(Stock.objects.filter(pk__in=[r.pk for r in rows], low_at__gt=0, quantity__lte=F("low_at"))
               .select_related("site__area", "item"))
    for row in low:
        area, role = _alert_area(row.site)
        title = (_("Low stock: %(item)s at %(site)s, %(left)d %(unit)s left (low at %(low)d)")
                 % {"item": row.item.name, "site": row.site.name, "left": row.quantity, "unit": row.item.unit,
                    "low": row.low_at})
        work_orders_create_bulk(actor=actor, kind=STOCK_LOW, items=[(row, area, title)], assignee_role=role,
                                priority=Priority.URGENT if row.quantity == 0 else Priority.NORMAL)


def _may_move(actor, site) -> None:
    policy.require(actor, MOVE_STOCK, site)


@transaction.atomic
def stock_receive(*, actor, site, item: SupplyItem, quantity, note: str = "",
                  now: datetime.datetime | None = None) -> StockMove:
    """入库: units received at the site."""
    _may_move(actor, site)
    n = quantity_checked(quantity, field=_("Quantity"))
    _stocked(item)
    _deposit(site, item, n)
    return _move(actor, site, item, MoveKind.IN, n, now or timezone.now(),
                 note=clean_text(note, max_length=200, field=_("Note")))


@transaction.atomic
def stock_send_out(*, actor, site, item: SupplyItem, quantity, note: str = "",
                   now: datetime.datetime | None = None) -> StockMove:
    """出库: units leaving the site other than by an issue or a transfer (returned, spoiled, handed to a unit)."""
    _may_move(actor, site)
    n = quantity_checked(quantity, field=_("Quantity"))
    _stocked(item)
    row = _withdraw(site, item, n)
    move = _move(actor, site, item, MoveKind.OUT, -n, now or timezone.now(),
                 note=clean_text(note, max_length=200, field=_("Note")))
    _check_low(actor, [row])
    return move


@transaction.atomic
def stock_transfer(*, actor, site, to_site, item: SupplyItem, quantity, note: str = "",
                   now: datetime.datetime | None = None) -> tuple[StockMove, StockMove]:
    """调拨: units moved from one site to another, both sites the actor may move stock at; one move at each."""
    _may_move(actor, site)
    if to_site is None or to_site.pk == site.pk:
        raise ValidationError(_("Choose another site to move the supplies to."))
    _may_move(actor, to_site)
    n = quantity_checked(quantity, field=_("Quantity"))
    _stocked(item)
    rows = [_row(site, item), _row(to_site, item)]
    # Lock both rows in one order, so that two opposite transfers wait for each other instead of deadlocking.
    list(Stock.objects.select_for_update().filter(pk__in=[r.pk for r in rows]).order_by("pk"))
    now = now or timezone.now()
    text = clean_text(note, max_length=200, field=_("Note"))
    source = _withdraw(site, item, n)
    _deposit(to_site, item, n)
    out = _move(actor, site, item, MoveKind.TRANSFER, -n, now, other_site=to_site, note=text)
    arrived = _move(actor, to_site, item, MoveKind.TRANSFER, n, now, other_site=site, note=text)
    _check_low(actor, [source])
    return out, arrived


@transaction.atomic
def stock_adjust(*, actor, site, item: SupplyItem, counted, note: str,
                 now: datetime.datetime | None = None) -> StockMove | None:
    """盘点: set the stock to the quantity counted, with a note saying why it differed. None when the count
    matches the stock (nothing to write)."""
    _may_move(actor, site)
    n = quantity_checked(counted, field=_("Counted quantity"), allow_zero=True)
    _stocked(item)
    text = clean_text(note, max_length=200, field=_("Note"), required=True)
    row = _row(site, item)
    row = Stock.objects.select_for_update().get(pk=row.pk)
    delta = n - row.quantity
    if delta == 0:
        return None
    Stock.objects.filter(pk=row.pk).update(quantity=n)
    move = _move(actor, site, item, MoveKind.ADJUST, delta, now or timezone.now(), note=text)
    _check_low(actor, [row])
    return move


@transaction.atomic
def stock_issue(*, actor, site, item: SupplyItem, quantity, recipient_kind: str, recipients=1, household=None,
                person=None, note: str = "", now: datetime.datetime | None = None) -> StockMove:
    """发放: units handed out at the site to recipients (residents, frontline workers, couriers, others), counted.
    A gift pack is issued from the site's assembled packs (`stock_assemble_kits`)."""
    _may_move(actor, site)
    n = quantity_checked(quantity, field=_("Quantity"))
    if recipient_kind not in RecipientKind.values:
        raise ValidationError(_("Choose whom the supplies were issued to."))
    people = quantity_checked(recipients, field=_("Recipients"))
    _stocked(item)
    if household is not None:
        policy.require(actor, MOVE_STOCK, household)
    row = _withdraw(site, item, n)
    move = _move(actor, site, item, MoveKind.ISSUE, -n, now or timezone.now(), recipient_kind=recipient_kind,
                 recipients=people, household=household, person=person,
                 note=clean_text(note, max_length=200, field=_("Note")))
    _check_low(actor, [row])
    return move


@transaction.atomic
def stock_assemble_kits(*, actor, site, kit: SupplyItem, quantity, now: datetime.datetime | None = None
                        ) -> list[StockMove]:
    """组装礼包: take the parts of `quantity` gift packs out of the site's stock and put the packs in."""
    _may_move(actor, site)
    n = quantity_checked(quantity, field=_("Packs"))
    if kit.category != ItemCategory.KIT:
        raise ValidationError(_("%(item)s is not a gift pack.") % {"item": kit.name})
    _stocked(kit)
    parts = list(KitPart.objects.filter(kit=kit).select_related("item").order_by("item_id"))
    if not parts:
        raise ValidationError(_("%(item)s has no parts: list them in the catalogue first.") % {"item": kit.name})
    now = now or timezone.now()
    note = _("assembled into %(n)d × %(kit)s") % {"n": n, "kit": kit.name}
    moves, rows = [], []
    for part in parts:
        rows.append(_withdraw(site, part.item, part.quantity * n))
        moves.append(_move(actor, site, part.item, MoveKind.OUT, -part.quantity * n, now, note=note))
    _deposit(site, kit, n)
    moves.append(_move(actor, site, kit, MoveKind.IN, n, now, note=_("assembled")))
    _check_low(actor, rows)
    return moves


@transaction.atomic
def stock_low_set(*, actor, site, item: SupplyItem, low_at) -> Stock:
    """Set the mark at or below which the item is low at the site (0: no alert)."""
    _may_move(actor, site)
    n = quantity_checked(low_at, field=_("Low at"), allow_zero=True)
    _stocked(item)
    row = Stock.objects.select_for_update().get(pk=_row(site, item).pk)
    before = snapshot(row)
    row.low_at = n
    row.full_clean()
    row.save(update_fields=["low_at"])
    audit_update(actor, row, before)
    _check_low(actor, [row])
    return row


# --- the catalogue ----------------------------------------------------------------------------------------------

@transaction.atomic
def supply_item_save(*, actor, item: SupplyItem | None = None, name: str, category: str, unit: str,
                     orderable: bool = False, stocked: bool = True, max_per_order=10, active: bool = True) -> SupplyItem:
    """Add an item to the catalogue, or change one."""
    policy.require(actor, MANAGE_CATALOGUE)
    created = item is None
    item = item or SupplyItem()
    before = {} if created else snapshot(item)
    item.name = clean_text(name, max_length=100, field=_("Name"), required=True)
    item.category = category
    item.unit = clean_text(unit, max_length=10, field=_("Unit"), required=True)
    item.orderable, item.stocked, item.active = bool(orderable), bool(stocked), bool(active)
    item.max_per_order = quantity_checked(max_per_order, field=_("Most in one order"))
    if SupplyItem.objects.filter(name=item.name).exclude(pk=item.pk).exists():
        raise ValidationError(_("The catalogue already has an item named %(name)s.") % {"name": item.name})
    item.full_clean()
    item.save()
    if created:
        audit_create(actor, item)
    else:
        audit_update(actor, item, before)
    return item


@transaction.atomic
def kit_parts_set(*, actor, kit: SupplyItem, parts: list[tuple[SupplyItem, int]]) -> list[KitPart]:
    """Set what a gift pack holds: each item and how many of it (the packs already assembled keep theirs)."""
    policy.require(actor, MANAGE_CATALOGUE)
    if kit.category != ItemCategory.KIT:
        raise ValidationError(_("%(item)s is not a gift pack.") % {"item": kit.name})
    seen, checked = set(), []
    for item, n in parts:
        if item.pk == kit.pk or item.category == ItemCategory.KIT:
            raise ValidationError(_("A gift pack cannot hold a gift pack (%(item)s).") % {"item": item.name})
        if item.pk in seen:
            raise ValidationError(_("%(item)s is listed twice.") % {"item": item.name})
        seen.add(item.pk)
        checked.append((item, quantity_checked(n, field=item.name)))
    if not parts:
        raise ValidationError(_("A gift pack holds at least one item."))
    before = {p.item_id: p.quantity for p in KitPart.objects.filter(kit=kit)}
    KitPart.objects.filter(kit=kit).delete()
    made = KitPart.objects.bulk_create([KitPart(kit=kit, item=item, quantity=n) for item, n in checked])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=kit, note="kit parts set",
                 changes={"parts": [before, {p.item_id: p.quantity for p in made}]})
    return made
