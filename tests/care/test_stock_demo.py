"""The demo's protective supplies: stock at the street's station and the community's centre, a few hundred gift
packs issued, the centre's guides low with their work order; running it again adds nothing."""

from frontline.areas.figures import figure_table
from frontline.care.models import Stock, StockMove
from frontline.care.stock import STOCK_LOW
from frontline.core.models import WorkOrder
from frontline.demo.care import demo_catalogue_create
from frontline.demo.care_stock import ISSUES, demo_stock_create


def test_the_demo_stocks_two_sites_issues_gift_packs_and_leaves_one_item_low(city):
    demo_catalogue_create()
    demo_stock_create()
    packs = sum(n for rows in ISSUES.values() for _d, n, _k, _p in rows)
    assert 200 <= packs <= 400
    table = figure_table(actor=city.users["secretary"], area=city.community,
                         codes=["kits_issued", "stock_low_sites"])
    street = figure_table(actor=city.users["street"], area=city.street, codes=["kits_issued"])
    assert street.total["kits_issued"] == packs
    assert table.total["stock_low_sites"] == 1
    (low,) = WorkOrder.objects.filter(kind=STOCK_LOW)
    assert "疫情防控明白卡" in low.title and low.area == city.community
    assert not Stock.objects.filter(quantity__lt=0).exists()
    moves = StockMove.objects.count()
    demo_stock_create()
    assert StockMove.objects.count() == moves
