"""The demo's protective supplies: stock at the demo street's service station and the demo community's service
centre (masks, disinfectant, guides, assembled gift packs), receipts over the last week, a few hundred gift packs
issued to residents and frontline workers, and the centre's guides running low (its work order in the secretary's
inbox)."""

import datetime

from django.db import transaction
from django.utils import timezone

from frontline.areas.models import Site, SiteKind
from frontline.care.models import StockMove, SupplyItem
from frontline.core.models import User

RECEIPTS = {  # per site: item, units received on each of three days (7, 6 and 5 days ago)
    "station": [("医用外科口罩", 1500), ("N95口罩", 200), ("84消毒液 500ml", 80), ("疫情防控明白卡", 100)],
    "centre": [("医用外科口罩", 800), ("84消毒液 500ml", 60), ("疫情防控明白卡", 55)],
}
PACKS = {"station": 220, "centre": 160}
ISSUES = {  # per site: (days ago, packs, recipients' kind, recipients)
    "station": [(4, 30, "resident", 30), (3, 24, "worker", 24), (3, 40, "resident", 40), (2, 18, "worker", 18),
                (1, 35, "resident", 35), (0, 12, "worker", 12)],
    "centre": [(4, 25, "resident", 25), (3, 20, "resident", 20), (3, 16, "worker", 16), (2, 22, "resident", 22),
               (1, 15, "resident", 15), (0, 10, "worker", 10)],
}


@transaction.atomic
def demo_stock_create(now: datetime.datetime | None = None) -> None:
    from frontline.care.stock import stock_assemble_kits, stock_issue, stock_low_set, stock_receive

    now = now or timezone.now()
    day = datetime.timedelta(days=1)
    secretary = User.objects.get(username="secretary")
    street = User.objects.get(username="street")
    sites = {"station": (Site.objects.filter(area=street.area, kind=SiteKind.SERVICE_STATION).order_by("id").first(),
                         street),
             "centre": (Site.objects.filter(area=secretary.area, kind=SiteKind.SERVICE_CENTER).order_by("id").first(),
                        secretary)}
    if any(site is None for site, _actor in sites.values()):
        return
    if StockMove.objects.filter(site__in=[site for site, _actor in sites.values()]).exists():
        return
    items = {i.name: i for i in SupplyItem.objects.filter(stocked=True)}
    kit = items.get("防疫礼包")
    if kit is None:
        return
    for key, (site, actor) in sites.items():
        for days_ago in (7, 6, 5):
            for name, n in RECEIPTS[key]:
                stock_receive(actor=actor, site=site, item=items[name], quantity=n, note="区防控物资调拨",
                              now=now - days_ago * day)
        stock_assemble_kits(actor=actor, site=site, kit=kit, quantity=PACKS[key],
                            now=now - 5 * day + datetime.timedelta(hours=3))
        stock_low_set(actor=actor, site=site, item=items["医用外科口罩"], low_at=500)
        stock_low_set(actor=actor, site=site, item=kit, low_at=20)
        for days_ago, packs, kind, people in ISSUES[key]:
            stock_issue(actor=actor, site=site, item=kit, quantity=packs, recipient_kind=kind, recipients=people,
                        note="服务驿站发放" if key == "station" else "党群服务中心发放",
                        now=now - days_ago * day - datetime.timedelta(hours=1))
    # The centre's guides: 165 received, 160 put into packs, 5 left; the mark is 50, so the secretary is asked.
    centre, secretary = sites["centre"]
    stock_low_set(actor=secretary, site=centre, item=items["疫情防控明白卡"], low_at=50)
