"""The demo city's care: a catalogue of what residents order and what sites stock (with a gift pack), then what
each part of the care app shows in the demo (their own modules, called from here)."""

from frontline.care.models import ItemCategory, KitPart, SupplyItem

CATALOGUE = [
    # name, category, unit, orderable, stocked, most in one order
    ("大米 5kg", ItemCategory.FOOD, "袋", True, False, 2),
    ("食用油 5L", ItemCategory.FOOD, "桶", True, False, 1),
    ("蔬菜包", ItemCategory.FOOD, "份", True, False, 3),
    ("鸡蛋 30枚", ItemCategory.FOOD, "盒", True, False, 2),
    ("挂面", ItemCategory.FOOD, "包", True, False, 5),
    ("牛奶 1箱", ItemCategory.FOOD, "箱", True, False, 2),
    ("卫生纸", ItemCategory.DAILY, "提", True, False, 2),
    ("婴儿纸尿裤", ItemCategory.DAILY, "包", True, False, 2),
    ("布洛芬缓释胶囊", ItemCategory.MEDICINE, "盒", True, False, 2),
    ("降压药(代购,注明药名)", ItemCategory.MEDICINE, "盒", True, False, 3),
    ("医用外科口罩", ItemCategory.PROTECTIVE, "只", False, True, 50),
    ("N95口罩", ItemCategory.PROTECTIVE, "只", False, True, 20),
    ("护目镜", ItemCategory.PROTECTIVE, "副", False, True, 2),
    ("84消毒液 500ml", ItemCategory.PROTECTIVE, "瓶", False, True, 2),
    ("防护服", ItemCategory.PROTECTIVE, "套", False, True, 2),
    ("疫情防控明白卡", ItemCategory.GUIDE, "张", False, True, 5),
    ("防疫礼包", ItemCategory.KIT, "份", False, True, 2),
]
KIT = {"医用外科口罩": 10, "84消毒液 500ml": 1, "疫情防控明白卡": 1}


def demo_catalogue_create() -> dict[str, SupplyItem]:
    items = {}
    for name, category, unit, orderable, stocked, most in CATALOGUE:
        items[name], _ = SupplyItem.objects.update_or_create(name=name, defaults={
            "category": category, "unit": unit, "orderable": orderable, "stocked": stocked, "max_per_order": most})
    for name, quantity in KIT.items():
        KitPart.objects.update_or_create(kit=items["防疫礼包"], item=items[name], defaults={"quantity": quantity})
    return items


def demo_care_create() -> None:
    demo_catalogue_create()
    # Each part of the care app adds its demo story below (frontline/demo/care_<part>.py).
    from .care_poster import demo_resident_page_create

    demo_resident_page_create()
    from .care_requests import demo_requests_create

    demo_requests_create()
    from .care_orders import demo_orders_create

    demo_orders_create()
    from .care_stations import demo_stations_create

    demo_stations_create()
    from .care_stock import demo_stock_create

    demo_stock_create()
