"""The dashboard of an area for a picked period: key figure cards with their change, trends of the flow figures,
the children ranked by a chosen figure, and the alerts the apps bring. Figures come only from the registry
(`frontline.areas.figures`, through the cached `selectors.dashboard_figures`), alerts only from
`plugins.alert_sources`."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.figures import FLOW, STOCK, Period
from frontline.areas.models import Area
from frontline.core import plugins

from .periods import RANGE, Picked
from .selectors import AlertGroup, alerts_for, dashboard_figures, key_codes, trend_values

TREND_DAYS = 30  # the trends' span when the pick is one day (today or another)
ALERTS_SHOWN = 5  # alerts listed per source (its total is shown beside them)


@dataclass
class Card:
    code: str
    label: Any
    unit: Any
    kind: str
    value: int | None  # None: not kept for a past day (a stock without history)
    change: int | None  # None: nothing to compare with

    @property
    def arrow(self) -> str:
        if not self.change:
            return ""
        return "▲" if self.change > 0 else "▼"

    @property
    def magnitude(self) -> int:
        return abs(self.change or 0)


def _cards(data: dict, codes: list[str], period: Period) -> list[Card]:
    past = period.end < timezone.localdate()
    cards = []
    for code in codes:
        figure = plugins.figures[code]
        # A stock that keeps no history has a value now only: on a past day, and for "the day before", nothing.
        no_history = figure.kind == STOCK and not figure.history
        value = None if no_history and past else data["values"].get(code, 0)
        change = None if no_history or value is None else value - data["previous"].get(code, 0)
        cards.append(Card(code, figure.label, figure.unit, figure.kind, value, change))
    return cards


def trend_period(picked: Picked) -> Period:
    """The trends span the picked range, or the TREND_DAYS up to the picked day."""
    if picked.kind == RANGE:
        return picked.period
    return Period(picked.day - datetime.timedelta(days=TREND_DAYS - 1), picked.day)


@dataclass
class Ranked:
    id: int | None
    name: str
    value: int
    share: int  # percent of the largest, for the bar
    link: bool


@dataclass
class Ranking:
    code: str
    label: Any
    unit: Any
    rows: list[Ranked]
    error: str = ""
    building_level: bool = False


def ranking(data: dict, code: str, default: str) -> Ranking:
    """The children ranked by a figure (largest first, then by name); an unknown code falls back to `default`,
    with a message saying so."""
    error = ""
    if code and code not in plugins.figures:
        error = _("There is no figure “%(code)s”: ranked by %(label)s instead.") % {
            "code": code[:40], "label": plugins.figures[default].label}
        code = default
    code = code or default
    figure = plugins.figures[code]
    children = list(data["children"])
    # What sits at the area itself (an allocation the city made, a zone over a whole street) is in no child.
    own = data["values"].get(code, 0) - sum(c["values"].get(code, 0) for c in children)
    if own > 0 and children:
        children.append({"id": None, "name": _("(this level itself)"), "level": "own", "values": {code: own}})
    children.sort(key=lambda c: (-c["values"].get(code, 0), c["name"]))
    top = max((c["values"].get(code, 0) for c in children), default=0)
    rows = [Ranked(c["id"], c["name"], c["values"].get(code, 0),
                   round(100 * c["values"].get(code, 0) / top) if top > 0 else 0, c["level"] not in ("building", "own"))
            for c in children]
    return Ranking(code, figure.label, figure.unit, rows, error,
                   building_level=any(c["level"] == "building" for c in children))


@dataclass
class Dashboard:
    area: Area
    picked: Picked
    data: dict
    cards: list[Card]
    ranking: Ranking
    trends: dict  # JSON for the charts, labels in the reader's language
    alerts: list[AlertGroup]

    @property
    def computed_at(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.data["computed_at"])


def dashboard(*, actor, area: Area, picked: Picked, rank: str = "") -> Dashboard:
    """The dashboard of an area the actor may see (the caller fetched it through the scope) for a picked period.
    A constant number of queries whatever the number of children; figures and trends cached per minute."""
    codes = key_codes()
    data = dashboard_figures(actor=actor, area=area, period=picked.period)
    cards = _cards(data, codes, picked.period)
    default = codes[0] if codes else next(iter(plugins.figures)).code
    flows = [c for c in codes if plugins.figures[c].kind == FLOW]
    span = trend_period(picked)
    values = trend_values(area=area, codes=flows, period=span)
    trends = {"days": values["days"],
              "series": [{"code": c, "label": str(plugins.figures[c].label), "unit": str(plugins.figures[c].unit),
                          "values": values["series"].get(c, [])} for c in flows]}
    return Dashboard(area, picked, data, cards, ranking(data, rank, default), trends,
                     alerts_for(actor=actor, area=area, limit=ALERTS_SHOWN))


def figure_choices() -> list[tuple[str, Any]]:
    """Every registered figure, for the ranking's picker."""
    return [(f.code, f.label) for f in plugins.figures]
