"""The figures every command page shows, read only through the registry of figures (`frontline.areas.figures`):
an area's values over a period (flows) or at its end (stocks), the same for the period just before it (the change),
and each child's values (ranking, the map). Cached per area, period and minute, so that any number of dashboards
and wall screens showing one area cost the database one computation a minute."""

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from frontline.areas.figures import FLOW, Period, figure_list, figure_series, figure_table
from frontline.areas.models import Area
from frontline.core import plugins
from frontline.core.scoping import get_for

from .policy import VIEW_DASHBOARD

CACHE_SECONDS = 60
LOCK_SECONDS = 30  # the longest a computation is waited for before another starts


def command_area_get_for(actor, pk, action: str = VIEW_DASHBOARD) -> Area:
    """An area on which the actor may do a command action (its dashboard, by default; the report), or 404 alike for
    "missing" and "not yours": the one fetch of every command page."""
    return get_for(Area.objects.restrict(actor, action), actor, pk)


def key_codes() -> list[str]:
    """The key figures (FRONTLINE_DASHBOARD_FIGURES) that some app has registered, in the configured order: the
    cards of the dashboard, the wall screen and the daily brief, and the figures compared with the period before."""
    return list(dict.fromkeys(code for code in settings.FRONTLINE_DASHBOARD_FIGURES if code in plugins.figures))


def _previous(period: Period) -> Period:
    """The period of the same length just before (yesterday for today)."""
    days = (period.end - period.start).days + 1
    return Period(period.start - datetime.timedelta(days=days), period.start - datetime.timedelta(days=1))


def _compute(actor, area: Area, period: Period) -> dict:
    # Stocks as of the period's last day (now, when it is today), flows over the period; the period before only for
    # the key figures, whose change is shown.
    table = figure_table(actor=actor, area=area, at=period.end, period=period)
    before = _previous(period)
    previous = figure_table(actor=actor, area=area, codes=key_codes(), at=before.end, period=before).total
    return {
        "area": area.pk,
        "start": period.start.isoformat(), "end": period.end.isoformat(),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "values": table.total, "previous": previous,
        "flows": [f.code for f in figure_list(FLOW)],
        "children": [{"id": getattr(child, "pk", None), "name": child.name, "level": getattr(child, "level", "building"),
                      "code": getattr(child, "code", ""), "values": values} for child, values in table.children],
    }


def dashboard_figures(*, actor, area: Area, period: Period) -> dict:
    """Every registered figure of an area the actor may see (the caller fetched it through the scope) over a
    period, with the key figures of the period before and each child's values: numbers only (labels are the
    reader's language), cached per area, period and minute. Anyone who may see an area sees its whole subtree (area
    scopes), so the cached answer is the same for every viewer of it.

    One computation a minute however many screens ask: the first to miss the minute takes a lock and computes;
    the others meanwhile answer the last computation (at most a minute and a computation old, with its time), or,
    when there is none yet, wait for it a while."""
    base = f"command:figures:{area.pk}:{period.start.isoformat()}:{period.end.isoformat()}"
    key = f"{base}:{timezone.now().strftime('%Y%m%d%H%M')}"
    found = cache.get(key)
    if found is not None:
        return found
    if not cache.add(f"{base}:lock", 1, LOCK_SECONDS):
        last = cache.get(f"{base}:last")
        for _wait in range(int(LOCK_SECONDS / 0.2)):
            if last is not None:
                return last
            time.sleep(0.2)
            last = cache.get(key)
    try:
        found = _compute(actor, area, period)
        cache.set_many({key: found, f"{base}:last": found}, CACHE_SECONDS * 10)
    finally:
        cache.delete(f"{base}:lock")
    return found


def _by_day(area: Area, code: str, days: list[datetime.date]) -> dict[datetime.date, int]:
    """A flow figure by day (one query)."""
    by_day: dict[datetime.date, int] = {}
    for moment, n in figure_series(area=area, code=code, period=Period(days[0], days[-1]), by="day"):
        day = moment.date() if isinstance(moment, datetime.datetime) else moment
        if isinstance(day, str):  # a backend that answers dates as text
            day = datetime.date.fromisoformat(day[:10])
        by_day[day] = by_day.get(day, 0) + (n or 0)
    return by_day


def trend_values(*, area: Area, codes: list[str], period: Period) -> dict:
    """Each flow figure of `codes` by day over the period, zeros filled: {"days": [...], "series": {code:
    [...]}}. Numbers only (JSON), cached per area, period and minute like the figures. One query a figure."""
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = (f"command:trends:{area.pk}:{period.start.isoformat()}:{period.end.isoformat()}:"
           f"{','.join(codes)}:{minute}")
    found = cache.get(key)
    if found is not None:
        return found
    days = [period.start + datetime.timedelta(days=i) for i in range((period.end - period.start).days + 1)]
    series = {}
    for code in codes:
        by_day = _by_day(area, code, days)
        series[code] = [by_day.get(d, 0) for d in days]
    found = {"days": [d.isoformat() for d in days], "series": series}
    cache.set(key, found, CACHE_SECONDS)
    return found


@dataclass
class AlertGroup:
    code: str
    label: Any
    total: int
    alerts: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.total - len(self.alerts), 0)


def alerts_for(*, actor, area: Area, limit: int) -> list[AlertGroup]:
    """What needs a decision under the area, from every registered source that has something for the actor."""
    groups = []
    for source in plugins.alert_sources:
        total, alerts = source.find(actor, area, limit)
        if total:
            groups.append(AlertGroup(source.code, source.label, total, list(alerts)[:limit]))
    return groups
