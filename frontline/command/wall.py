"""The wall screen's figures (指挥大屏): the key figures of an area today with their change since yesterday, its
children ranked by one of them, and the flows' daily trends. Numbers come from the cached dashboard figures
(`selectors.dashboard_figures`) and the trends are cached the same way, per area and minute, so any number of
screens refreshing every few seconds cost the database one computation a minute; labels are added per request, in
the reader's language, without a query."""

import datetime
import hashlib
import json

from django.conf import settings
from django.utils import timezone

from frontline.areas.figures import FLOW, Period
from frontline.areas.models import Area
from frontline.core import plugins

from .selectors import dashboard_figures, key_codes, trend_values

MAX_FIGURES = 8  # what one row of the screen holds, readable across a room
TREND_DAYS = 14
MAX_TRENDS = 4
RANKED = 10  # children shown in the ranking


def wall_codes() -> list[str]:
    """The key figures one row of the screen holds."""
    return key_codes()[:MAX_FIGURES]


def refresh_seconds(asked: str | None = None) -> int:
    """Seconds between refreshes: the setting (default 10), or `?every=` (1 second at least, an hour at most)."""
    default = int(getattr(settings, "FRONTLINE_WALL_REFRESH_SECONDS", 10) or 10)
    if asked:
        try:
            return min(max(int(asked), 1), 3600)
        except ValueError:
            pass
    return max(default, 1)


def _minute() -> str:
    return timezone.now().strftime("%Y%m%d%H%M")


def _trend_codes(codes: list[str]) -> list[str]:
    return [c for c in codes if plugins.figures[c].kind == FLOW][:MAX_TRENDS]


def wall_trends(*, area: Area, codes: list[str]) -> dict:
    """The daily values of the flows among `codes` over the last TREND_DAYS days (today included)."""
    today = timezone.localdate()
    return trend_values(area=area, codes=codes, period=Period(today - datetime.timedelta(days=TREND_DAYS - 1), today))


def _local(iso: str) -> datetime.datetime:
    return timezone.localtime(datetime.datetime.fromisoformat(iso))


def wall_data(*, actor, area: Area, rank: str | None = None) -> dict:
    """What the screen shows of an area (fetched through the scope): the key figures today and yesterday, the
    children ranked by `rank` (one of the key figures; the first flow among them by default), the trends, and
    when the figures were computed. No query once this minute's figures of the area are cached."""
    today = timezone.localdate()
    figures = dashboard_figures(actor=actor, area=area, period=Period(today, today))
    codes = wall_codes()
    trend_codes = _trend_codes(codes)
    trends = wall_trends(area=area, codes=trend_codes) if trend_codes else {"days": [], "series": {}}
    values, previous = figures["values"], figures["previous"]
    key_figures = []
    for code in codes:
        figure = plugins.figures[code]
        value = values.get(code, 0)
        before = previous.get(code)  # a stock without history has no yesterday
        key_figures.append({"code": code, "label": str(figure.label), "unit": str(figure.unit), "value": value,
                            "kind": figure.kind,
                            "change": None if before is None else value - before})
    if rank not in codes:
        rank = trend_codes[0] if trend_codes else (codes[0] if codes else None)
    ranking = []
    if rank:
        children = sorted(figures["children"], key=lambda c: (-c["values"].get(rank, 0), c["code"], c["name"]))
        ranking = [{"name": c["name"], "value": c["values"].get(rank, 0)} for c in children[:RANKED]]
    computed = _local(figures["computed_at"])
    return {
        "area": {"id": area.pk, "name": area.name, "level": str(area.get_level_display())},
        "day": figures["end"],
        "computed_at": figures["computed_at"],
        "computed_time": computed.strftime("%H:%M:%S"),
        "computed_minute": computed.strftime("%H:%M"),
        "figures": key_figures,
        "rank": {"code": rank, "label": str(plugins.figures[rank].label) if rank else "",
                 "unit": str(plugins.figures[rank].unit) if rank else "", "children": ranking},
        "trends": {"days": [d[5:] for d in trends["days"]],
                   "series": [{"code": c, "label": str(plugins.figures[c].label), "values": trends["series"][c]}
                              for c in trend_codes]},
    }


def wall_etag(data: dict) -> str:
    """A strong validator of the answer: the same figures, words and time give the same tag."""
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
