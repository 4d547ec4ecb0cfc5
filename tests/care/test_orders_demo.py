"""The demo's supply orders: delivered ones over the last days (the daily figure moves), the volunteer's run under
way with urgent stops first, orders waiting for dispatch, and a resident-page order to confirm; made once."""

import datetime

from django.utils import timezone

from frontline.areas.figures import Period, figure_series
from frontline.care.models import OrderStatus, SupplyOrder
from frontline.care.order_selectors import delivery_run
from frontline.demo.care import demo_catalogue_create
from frontline.demo.care_orders import demo_orders_create


def test_the_demo_shows_deliveries_over_days_a_run_under_way_and_orders_to_dispatch(city):
    demo_catalogue_create()
    demo_orders_create()
    demo_orders_create()  # once only
    orders = SupplyOrder.objects.filter(area=city.grid)
    assert orders.count() == 13
    by_status = {s: orders.filter(status=s).count() for s in OrderStatus.values}
    assert by_status["delivered"] == 5 and by_status["picked_up"] == 1 and by_status["assigned"] == 3
    assert orders.filter(verified=False, status="placed").count() == 1
    run = delivery_run(actor=city.users["volunteer"])
    assert len(run) == 4 and run[0].urgent and run[1].urgent and not run[-1].urgent
    today = timezone.localdate()
    days = figure_series(area=city.community, code="orders_delivered",
                         period=Period(today - datetime.timedelta(days=6), today))
    assert len(days) == 4 and sum(n for _day, n in days) == 5
