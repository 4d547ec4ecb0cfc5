"""The figures every command page shows, read only through the registry of figures (`frontline.areas.figures`):
an area's values over a period (flows) or at its end (stocks), the same for the period just before it (the change),
and each child's values (ranking, the map). Cached per area, period and minute, so that any number of dashboards
and wall screens showing one area cost the database one computation a minute."""

import datetime

from django.core.cache import cache
from django.utils import timezone

from frontline.areas.figures import FLOW, Period, figure_list, figure_table
from frontline.areas.models import Area

CACHE_SECONDS = 60


def _previous(period: Period) -> Period:
    """The period of the same length just before (yesterday for today)."""
    days = (period.end - period.start).days + 1
    return Period(period.start - datetime.timedelta(days=days), period.start - datetime.timedelta(days=1))


def _values(actor, area: Area, period: Period) -> tuple[dict[str, int], list[tuple[Area, dict[str, int]]]]:
    # Stocks as of the period's last day (now, when it is today), flows over the period.
    table = figure_table(actor=actor, area=area, at=period.end, period=period)
    return table.total, table.children


def _compute(actor, area: Area, period: Period) -> dict:
    total, children = _values(actor, area, period)
    before, _children = _values(actor, area, _previous(period))
    return {
        "area": area.pk,
        "start": period.start.isoformat(), "end": period.end.isoformat(),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "values": total, "previous": before,
        "flows": [f.code for f in figure_list(FLOW)],
        "children": [{"id": getattr(child, "pk", None), "name": child.name, "level": getattr(child, "level", "building"),
                      "code": getattr(child, "code", ""), "values": values} for child, values in children],
    }


def dashboard_figures(*, actor, area: Area, period: Period) -> dict:
    """Every registered figure of an area the actor may see (the caller fetched it through the scope) over a
    period, with the period before and each child's values: numbers only (labels are the reader's language),
    cached per area, period and minute. Anyone who may see an area sees its whole subtree (area scopes), so the
    cached answer is the same for every viewer of it."""
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = f"command:figures:{area.pk}:{period.start.isoformat()}:{period.end.isoformat()}:{minute}"
    found = cache.get(key)
    if found is None:
        found = _compute(actor, area, period)
        cache.set(key, found, CACHE_SECONDS)
    return found
