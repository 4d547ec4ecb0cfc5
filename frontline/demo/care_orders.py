"""The demo's supply orders, in the demo grid: a few delivered on each of the last four days (so the daily figure
shows), a run given to the demo volunteer and under way (one order picked up, urgent ones first), confirmed orders
waiting for dispatch, one taken by the hotline, and one from the resident page still to be confirmed."""

import datetime

from django.db import transaction
from django.utils import timezone

from frontline.areas.models import Household
from frontline.core.models import User


@transaction.atomic
def demo_orders_create(now: datetime.datetime | None = None) -> None:
    from frontline.care.models import Channel, SupplyItem, SupplyOrder
    from frontline.care.order_services import order_deliver, order_pick_up
    from frontline.care.orders import LineIn, order_place, orders_assign

    now = now or timezone.now()
    grid_worker, volunteer = User.objects.get(username="grid"), User.objects.get(username="volunteer")
    hotline = User.objects.filter(username="hotline").first()
    grid = grid_worker.area
    if SupplyOrder.objects.filter(area=grid).exists():
        return
    homes = list(Household.objects.filter(building__area=grid).select_related("building").order_by("id")[:14])
    items = {i.name: i for i in SupplyItem.objects.filter(orderable=True)}
    if len(homes) < 12 or len(items) < 5:
        return

    def line(name, quantity=1):
        return LineIn(item_id=items[name].pk, quantity=quantity)

    def place(home, lines, *, actor=grid_worker, channel=Channel.GRID, at=None, phone="13800138000"):
        return order_place(actor=actor, household=home, channel=channel, contact_phone=phone, lines=lines,
                           now=at or now)

    # Delivered on each of the last four days: placed in the morning, handed over in the afternoon.
    for days_ago, home, lines in [(4, homes[0], [line("大米 5kg"), line("食用油 5L")]),
                                  (3, homes[1], [line("蔬菜包", 2)]),
                                  (2, homes[2], [line("鸡蛋 30枚"), line("挂面", 3)]),
                                  (2, homes[3], [line("卫生纸"), LineIn(text="酱油一瓶")]),
                                  (1, homes[4], [line("牛奶 1箱"), line("蔬菜包")])]:
        morning = datetime.datetime.combine(timezone.localdate(now) - datetime.timedelta(days=days_ago),
                                            datetime.time(9), timezone.get_current_timezone())
        order = place(home, lines, at=morning, phone=f"1380013{8000 + days_ago:04d}")
        orders_assign(actor=grid_worker, area=grid, building_ids=[home.building_id], assignee=volunteer)
        order_pick_up(actor=volunteer, order=order)
        order_deliver(actor=volunteer, order=order, now=morning + datetime.timedelta(hours=6))
    # Today's run for the volunteer: urgent (medicine) first; one order already picked up.
    run = [place(homes[5], [line("布洛芬缓释胶囊")], phone="13912345601"),
           place(homes[6], [line("降压药(代购,注明药名)"), LineIn(text="硝苯地平缓释片 30mg")], phone="13912345602"),
           place(homes[7], [line("蔬菜包"), line("鸡蛋 30枚")], phone="13912345603"),
           place(homes[8], [line("婴儿纸尿裤", 2), line("牛奶 1箱")], phone="13912345604")]
    orders_assign(actor=grid_worker, area=grid, building_ids=sorted({o.household.building_id for o in run}),
                  assignee=volunteer)
    order_pick_up(actor=volunteer, order=run[0])
    # Waiting for dispatch: two confirmed orders, one taken by the hotline; and one from the resident page.
    place(homes[9], [line("大米 5kg"), line("挂面", 2)], phone="13912345605")
    place(homes[10], [line("蔬菜包", 3)], phone="13912345606")
    if hotline is not None:
        place(homes[11], [line("卫生纸", 2), LineIn(text="老人用成人纸尿裤一包")], actor=hotline, channel=Channel.HOTLINE,
              phone="13912345607")
    place(homes[-1], [line("布洛芬缓释胶囊"), LineIn(text="体温计一支")], actor=None, channel=Channel.PAGE,
          phone="13912345608")
