"""A month of activity (frontline.demo.history) gives every flow figure of the registry a value over the month
for the city, and nothing over the month before it."""

import datetime

import pytest
from django.utils import timezone

from frontline.areas.figures import FLOW, Period, figure_list, figure_table, flow_totals
from frontline.demo.history import history_generate, outbreak_curve

pytestmark = pytest.mark.django_db


def test_a_month_of_history_gives_every_flow_figure_a_value_inside_the_month_only(city):
    end = timezone.localdate()
    stats = history_generate(days=30, seed=3, end=end)
    month = Period(end - datetime.timedelta(days=29), end)
    before = Period(month.start - datetime.timedelta(days=30), month.start - datetime.timedelta(days=1))
    codes = [f.code for f in figure_list(FLOW)]
    values = flow_totals(area=city.city, codes=codes, periods={"month": month, "before": before})
    empty = [code for code in codes if not values[code]["month"]]
    assert not empty, f"flow figures without activity over the month: {empty} (rows written: {stats.rows})"
    earlier = {code: v["before"] for code, v in values.items() if v["before"]}
    assert not earlier, f"flow figures with activity before the month: {earlier}"
    # The dashboard's table gives the same numbers, and the districts add up to the city (but for rows at the city
    # itself: the receipts of the city's commanders).
    table = figure_table(actor=city.users["commander"], area=city.city, codes=codes, period=month)
    for code in codes:
        assert table.total[code] == values[code]["month"], code
        assert sum(table.column(code)) <= table.total[code], code
        assert sum(table.column(code)) > 0, code


def test_the_outbreak_rises_then_falls(city):
    end = timezone.localdate()
    history_generate(days=30, seed=3, end=end)
    curve = outbreak_curve(30)
    peak = curve.index(max(curve))
    assert 0 < peak < 29 and curve[0] < curve[peak] > curve[-1]
    from frontline.areas.figures import figure_series

    series = dict(figure_series(area=city.city, code="orders_placed", period=Period(end - datetime.timedelta(days=29), end)))
    days = sorted(series)
    first_week = sum(series[d] for d in days[:5])
    peak_week = sum(series[d] for d in days[peak - 2:peak + 3])
    assert peak_week > 2 * first_week
