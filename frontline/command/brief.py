"""The daily brief (每日简报) of one area for one day: the day's key figures with their change since the day before,
the children with the most and the least of a few figures, and what needs a decision, written as sentences from
the registry's figures (`frontline.areas.figures`) and the apps' alert sources (`plugins.alert_sources`)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from frontline.areas.figures import STOCK, Period
from frontline.areas.models import Area
from frontline.core import plugins

from .selectors import AlertGroup, alerts_for, dashboard_figures, key_codes  # noqa: F401 (tests read key_codes here)

# The figures whose leaders and laggards among the children the brief names.
RANKED = ["samples_collected", "households_visited", "orders_delivered", "requests_received"]
ALERT_TITLES = 3  # the first few of each source


@dataclass
class FigureLine:
    code: str
    label: str
    unit: str
    value: int | None  # None: not known for a past day (the figure keeps no history)
    previous: int | None
    stock: bool

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def change(self) -> int | None:
        return None if self.value is None or self.previous is None else self.value - self.previous

    @property
    def value_text(self) -> str:
        return "—" if self.value is None else f"{self.value:,}"

    @property
    def previous_text(self) -> str:
        return "—" if self.previous is None else f"{self.previous:,}"

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "—"
        return f"{self.change:+,}" if self.change else "0"


@dataclass
class Brief:
    area: Area
    day: datetime.date
    day_text: str
    title: str
    figures: list[FigureLine]
    summary: str
    ranks: list[str]
    alerts: list[AlertGroup]
    alerts_text: str
    computed_at: str

    @property
    def computed_text(self) -> str:
        """When the figures were computed, local time to the minute."""
        moment = datetime.datetime.fromisoformat(self.computed_at)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

    @property
    def alert_total(self) -> int:
        return sum(g.total for g in self.alerts)


def _n(value: int) -> str:
    return f"{value:,}"


def _join(sentences: list[str]) -> str:
    """Clauses joined as one sentence, in the reader's language's punctuation."""
    if not sentences:
        return ""
    return pgettext("sentence end", "%(sentence)s.") % {"sentence": pgettext("clause separator", "; ").join(sentences)}


def _figure_clause(line: FigureLine) -> str:
    values = {"label": line.label, "value": _n(line.value), "unit": line.unit, "n": _n(abs(line.change or 0))}
    if line.change is None:
        return _("%(label)s %(value)s %(unit)s") % values
    if line.change > 0:
        return _("%(label)s %(value)s %(unit)s, up %(n)s %(unit)s on the day before") % values
    if line.change < 0:
        return _("%(label)s %(value)s %(unit)s, down %(n)s %(unit)s on the day before") % values
    return _("%(label)s %(value)s %(unit)s, the same as the day before") % values


def _summary(area: Area, day_text: str, lines: list[FigureLine]) -> str:
    """The first paragraph: every figure that moved or is not zero in a clause, the zeros in one sentence."""
    moving = [line for line in lines if line.known and (line.value or line.change)]
    zeros = [line.label for line in lines if line.known and not (line.value or line.change)]
    text = _("On %(day)s, in %(area)s: ") % {"day": day_text, "area": area.name}
    if moving:
        text += _join([_figure_clause(line) for line in moving])
    else:
        text += pgettext("sentence end", "%(sentence)s.") % {"sentence": _("no figure moved")}
    if zeros:
        text += _(" %(labels)s: none.") % {
            "labels": pgettext("list separator", ", ").join(zeros)}
    return text


def _ranks(children: list[dict]) -> list[str]:
    """One line a ranked figure: the child with the most, and with the least where there are several."""
    lines = []
    if not children:
        return lines
    for code in RANKED:
        if code not in plugins.figures:
            continue
        figure = plugins.figures[code]
        values = [(child["values"].get(code, 0), child["name"]) for child in children]
        if not any(v for v, _name in values):
            continue
        most = max(values, key=lambda vn: vn[0])
        line = _("Most %(label)s: %(name)s %(value)s") % {"label": figure.label, "name": most[1], "value": _n(most[0])}
        if len(values) > 1:
            least = min(values, key=lambda vn: vn[0])
            line = pgettext("clause separator", "; ").join([line, _("least: %(name)s %(value)s") % {
                "name": least[1], "value": _n(least[0])}])
        lines.append(pgettext("sentence end", "%(sentence)s.") % {"sentence": line})
    return lines


def _alerts_text(groups: list[AlertGroup]) -> str:
    if not groups:
        return _("Nothing awaits a decision.")
    return _join([_("%(label)s: %(total)s in all") % {"label": g.label, "total": _n(g.total)} for g in groups])


def brief_build(*, actor, area: Area, day: datetime.date) -> Brief:
    """The brief of an area the actor may see (the caller fetched it through the scope) for one day, in the
    active language: numbers from the registry (the dashboard's cached figures), words from the translations."""
    found = dashboard_figures(actor=actor, area=area, period=Period(day, day))
    past = day < timezone.localdate()
    codes = key_codes()
    lines = []
    for code in codes:
        figure = plugins.figures[code]
        # A stock that keeps no history cannot say what it was on a past day, nor the day before any day.
        unknown = figure.kind == STOCK and not figure.history
        lines.append(FigureLine(
            code=code, label=str(figure.label), unit=str(figure.unit),
            value=None if unknown and past else found["values"].get(code, 0),
            previous=None if unknown else found["previous"].get(code, 0), stock=figure.kind == STOCK))
    day_text = date_format(day, "DATE_FORMAT")
    alerts = alerts_for(actor=actor, area=area, limit=ALERT_TITLES)
    return Brief(
        area=area, day=day, day_text=day_text,
        title=_("Daily brief of %(area)s") % {"area": area.name},
        figures=lines, summary=_summary(area, day_text, lines), ranks=_ranks(found["children"]),
        alerts=alerts, alerts_text=_alerts_text(alerts), computed_at=found["computed_at"])


def brief_language() -> str:
    """The language a brief placed by the scheduled task is titled in: the site's."""
    return settings.LANGUAGE_CODE


def brief_title(area: Area, day: datetime.date) -> str:
    """The work order's title, in the site's language (it is stored)."""
    with translation.override(brief_language()):
        return _("Daily brief of %(area)s, %(day)s") % {"area": area.name, "day": date_format(day, "DATE_FORMAT")}
