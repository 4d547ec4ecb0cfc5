"""The care figures on every area page (服务群众): each flow figure the care app registers, today, over the last
seven days and since records began, read through the registry of figures (one query a figure)."""

import datetime

from django.utils import timezone

from frontline.areas.figures import FLOW, Period, figure_list, flow_totals
from frontline.core import plugins


def _area_panel(request, area):
    codes = [f.code for f in figure_list(FLOW) if f.app == "care"]
    if not codes:
        return None
    today = timezone.localdate()
    periods = {"today": Period(today, today), "week": Period(today - datetime.timedelta(days=6), today), "all": None}
    totals = flow_totals(area=area, codes=codes, periods=periods)  # one query a figure
    rows = [(plugins.figures[code], totals[code]["today"], totals[code]["week"], totals[code]["all"]) for code in codes]
    return {"rows": rows}


plugins.panels.register(plugins.Panel("care_figures", "area", "care/panels/area_figures.html", _area_panel, order=40))
