"""The access matrix's entries for protective supplies: the catalogue and the area's stock (view_stock), adding and
changing catalogue items (manage_catalogue: a commander, a street officer), a site's stock page (view_stock, for
those whose area holds the site), its moves and its issue form (move_stock: the desks), and the API's site stock
and move."""

from django.db.models import Count

from frontline.areas.models import Site, SiteKind
from frontline.care.models import ItemCategory, KitPart, Stock, StockMove, SupplyItem
from frontline.care.policy import MANAGE_CATALOGUE, MOVE_STOCK, VIEW_STOCK
from frontline.care.stock import stock_receive


def _sees_site(user, site) -> bool:
    return Site.objects.restrict(user, VIEW_STOCK).filter(pk=site.pk).exists()


def entries(matrix):
    Route, obj = matrix.Route, matrix._obj

    def site(o, where, user):
        return {"pk": o[where].stock_site.pk}

    def api_site(o, where, user):
        return {"site_id": o[where].stock_site.pk}

    pages = {
        "stock_catalogue": Route(VIEW_STOCK, outside=False),
        "supply_item_new": Route(MANAGE_CATALOGUE, method="post", outside=False, data=lambda o, w: {
            "name": "探针护目镜", "category": "protective", "unit": "副", "stocked": "on", "max_per_order": "2",
            "active": "on"}),
        "supply_item_edit": Route(MANAGE_CATALOGUE, lambda o, where, user: {"pk": o.stock_item.pk}, outside=False),
        "stock_area": Route(VIEW_STOCK, outside=False),
        "stock_site": Route(VIEW_STOCK, site, obj("stock_site"), visible=_sees_site),
        "stock_move": Route(MOVE_STOCK, site, obj("stock_site"), method="post", visible=_sees_site,
                            data=lambda o, w: {"kind": "in", "item": o.stock_item.pk, "quantity": "5"}),
        "stock_issue": Route(MOVE_STOCK, site, obj("stock_site"), method="post", visible=_sees_site,
                             data=lambda o, w: {"item": o.stock_item.pk, "quantity": "1", "recipient_kind": "resident",
                                                "recipients": "1"}),
    }
    api = {
        ("get", "/api/v1/care/stock/sites/{site_id}"): Route(VIEW_STOCK, api_site, obj("stock_site"),
                                                             visible=_sees_site),
        ("post", "/api/v1/care/stock/sites/{site_id}/moves"): Route(
            MOVE_STOCK, api_site, obj("stock_site"), method="post", visible=_sees_site,
            data=lambda o, w: {"kind": "issue", "item_id": o.stock_item.pk, "quantity": 1,
                               "recipient_kind": "resident", "recipients": 1}),
    }
    return pages, api


def place(o, city):
    """At each probe grid's community: its service centre holding 50 probe masks."""
    item = SupplyItem.objects.create(name="探针口罩", category=ItemCategory.PROTECTIVE, unit="只", stocked=True)
    o.stock_item = item
    for where in ("inside", "outside"):
        here = o[where]
        here.stock_site = (Site.objects.filter(area=here.community, kind=SiteKind.SERVICE_CENTER).order_by("id").first()
                           or Site.objects.create(kind=SiteKind.SERVICE_CENTER, name="探针服务中心", area=here.community))
        stock_receive(actor=None, site=here.stock_site, item=item, quantity=50)


def fingerprint():
    return (StockMove.objects.count(), tuple(Stock.objects.values_list("pk", "quantity", "low_at").order_by("pk")),
            SupplyItem.objects.count(), KitPart.objects.count(),
            tuple(StockMove.objects.values_list("kind").annotate(n=Count("id")).order_by("kind")))
