"""API: a site's stock of protective supplies, and a move there (in, out, transfer, adjust, issue), for the
stations' phone apps and the desks' systems. 404 alike for a site that is missing or not the caller's."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from frontline.areas.models import Household, Site
from frontline.core import policy
from frontline.core.api import ErrorOut

from . import stock
from .models import MoveKind, Stock, SupplyItem
from .policy import MOVE_STOCK, VIEW_STOCK

router = Router(tags=["protective supplies"])


class StockOut(Schema):
    item_id: int
    item: str
    unit: str
    category: str
    quantity: int
    low_at: int
    low: bool


class SiteStockOut(Schema):
    site_id: int
    site: str
    stock: list[StockOut]


class MoveIn(Schema):
    kind: str  # in, out, transfer, adjust (quantity: the count), issue
    item_id: int
    quantity: int
    to_site_id: int | None = None
    recipient_kind: str = ""
    recipients: int = 1
    household_id: int | None = None
    note: str = ""


class MoveOut(Schema):
    id: int | None
    kind: str
    item_id: int
    quantity: int  # signed for the site
    left: int  # what the site holds of the item after the move


def site_for_stock(actor, site_id) -> Site:
    try:
        return Site.objects.restrict(actor, VIEW_STOCK).select_related("area").get(pk=site_id)
    except (Site.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@router.get("/care/stock/sites/{site_id}", response={200: SiteStockOut})
@policy.api_requires(VIEW_STOCK)
def site_stock_get(request, site_id: int):
    """What the site holds of each item, with its low mark."""
    site = site_for_stock(request.auth, site_id)
    rows = Stock.objects.filter(site=site).select_related("item").order_by("item__category", "item__name")
    return {"site_id": site.pk, "site": site.name, "stock": [
        {"item_id": r.item_id, "item": r.item.name, "unit": r.item.unit, "category": r.item.category,
         "quantity": r.quantity, "low_at": r.low_at, "low": bool(r.low_at and r.quantity <= r.low_at)} for r in rows]}


@router.post("/care/stock/sites/{site_id}/moves", response={201: MoveOut, 422: ErrorOut})
@policy.api_requires(MOVE_STOCK)
def site_stock_move(request, site_id: int, data: MoveIn):
    """One move at the site. 422 with the reason for a quantity beyond the stock, zero, negative or absurd, an item
    not kept in stock, or a transfer to a site the caller may not move stock at."""
    site = site_for_stock(request.auth, site_id)
    policy.require(request.auth, MOVE_STOCK, site)
    item = SupplyItem.objects.filter(pk=data.item_id).first()
    if item is None:
        raise ValidationError(_("No such item in the catalogue."))
    common = {"actor": request.auth, "site": site, "item": item, "note": data.note}
    if data.kind == MoveKind.IN:
        move = stock.stock_receive(**common, quantity=data.quantity)
    elif data.kind == MoveKind.OUT:
        move = stock.stock_send_out(**common, quantity=data.quantity)
    elif data.kind == MoveKind.TRANSFER:
        to_site = Site.objects.restrict(request.auth, MOVE_STOCK).filter(pk=data.to_site_id).first()
        if to_site is None:
            raise ValidationError(_("Choose a site you may move supplies to."))
        move, _arrived = stock.stock_transfer(**common, to_site=to_site, quantity=data.quantity)
    elif data.kind == MoveKind.ADJUST:
        move = stock.stock_adjust(**common, counted=data.quantity)
    elif data.kind == MoveKind.ISSUE:
        household = None
        if data.household_id is not None:
            household = Household.objects.restrict(request.auth, MOVE_STOCK).filter(pk=data.household_id).first()
            if household is None:
                raise Http404
        move = stock.stock_issue(**common, quantity=data.quantity, recipient_kind=data.recipient_kind,
                                 recipients=data.recipients, household=household)
    else:
        raise ValidationError(_("Unknown kind of move: %(kind)s.") % {"kind": data.kind})
    left = Stock.objects.filter(site=site, item=item).values_list("quantity", flat=True).first() or 0
    if move is None:  # a count that matched the stock
        return 201, {"id": None, "kind": MoveKind.ADJUST, "item_id": item.pk, "quantity": 0, "left": left}
    return 201, {"id": move.pk, "kind": move.kind, "item_id": item.pk, "quantity": move.quantity, "left": left}
