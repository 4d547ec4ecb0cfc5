"""One registry of figures for any area and time.

A figure has a code name, a label, a unit and one way to count it: the rows it counts (`rows(at)`),
and where each row sits (`area`, a lookup to an `Area`; `building` for a grid's children; `site` where
the work happens at sites). A *stock*
counts what exists at a moment (as of a date from the history its model keeps, "now" otherwise); a
*flow* counts events in a period (`when`, the event's time), in total or by day or hour. Apps
register theirs in their `plugin.py`; the area pages, the API, and later dashboards, exports and the
work report read them here, so the same number appears wherever it is shown.

Speed: the current value of every stock figure is kept per anchoring area (`AreaFigure`, mostly one
row per grid and figure), so a city page sums a few thousand rows instead of counting millions.
It is never stale when read: every write through the ORM marks the area of the row it touched dirty
(signals on the figures' `watch` models), bulk paths mark the areas they touched
(`figures_mark_dirty`), and a read first recomputes the dirty areas — a constant number of queries
whatever their number. A stock whose value moves with the clock as well as with writes (the coverage of the
testing round in force today changes when a round starts or ends, with no write) says `kept=False`: it is
counted from its rows at every read, one grouped query, like a stock as of a past date.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr, TruncDate, TruncHour
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from frontline.core import plugins

from .models import Area, AreaFigure, AreaFigureDirty, AreaLevel, Building, KeptFigure, Site
from .selectors import count_by

STOCK, FLOW = "stock", "flow"
# Beyond this many dirty areas a refresh recounts everything in one pass (after a generator run).
REBUILD_ABOVE = 2000


@dataclass(frozen=True)
class Figure:
    code: str
    label: Any
    unit: Any
    app: str
    rows: Callable[[datetime.date | None], models.QuerySet] = field(compare=False)
    area: str  # lookup from a counted row to the Area it sits in
    building: str | None = None  # lookup to its Building, for the children of a grid
    site: str | None = None  # lookup to its Site, for figures of work done at sites
    kind: str = STOCK
    when: str | None = None  # a flow's event time (a DateTimeField or DateField lookup)
    day: str | None = None  # a DateField lookup holding the local date of `when` (a table partitioned by day):
    # a period also filters it, so that PostgreSQL reads only the period's partitions
    history: bool = True  # a stock that can answer "as of a date" (its model keeps the history)
    watch: tuple[tuple[str, str], ...] = ()  # ("app.Model", lookup to an Area): writes that change it
    order: int = 100
    kept: bool = True  # a stock's current value kept per area (False: counted at every read)
    total: str | None = None  # sum this lookup of the rows instead of counting them: a stock counted at every
    # read (beds of rooms), or a flow (gift packs issued: the units of each issue)
    # A flow whose rows last over time (a zone in force for weeks) rather than happen at one moment: its rows in
    # a period, `in_period(rows, start, end)`, instead of those whose `when` falls in it.
    in_period: Callable[[models.QuerySet, datetime.datetime, datetime.datetime], models.QuerySet] | None = field(
        default=None, compare=False)

    def __post_init__(self):
        if self.total and self.kind == STOCK and self.kept:
            raise ValueError(f"figure {self.code} sums its rows: only as a flow or a stock counted at every read")
        if self.kind == FLOW and not self.when:
            raise ValueError(f"flow figure {self.code} needs `when`")
        if not self.kept and self.watch:
            raise ValueError(f"figure {self.code} is not kept: it has nothing to watch")


def register(figure: Figure) -> Figure:
    plugins.figures.register(figure)
    _watch(figure)
    return figure


def figure_list(kind: str | None = None) -> list[Figure]:
    return [f for f in plugins.figures if kind is None or f.kind == kind]


def _kept_list() -> list[Figure]:
    return [f for f in figure_list(STOCK) if f.kept]


# --- keeping the stock figures -------------------------------------------------------------------------

def figures_mark_dirty(area_ids: Iterable[int]) -> None:
    """Mark areas whose rows changed (bulk writers call this; ORM writes are caught by signals)."""
    ids = sorted({int(a) for a in area_ids if a is not None})
    if not ids:
        return
    table = AreaFigureDirty._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            cursor.execute(
                f"INSERT INTO {table} (area_id, version) VALUES {', '.join(['(%s, 1)'] * len(part))} "
                f"ON CONFLICT (area_id) DO UPDATE SET version = {table}.version + 1", part)


def _stock_counts(area_ids: list[int] | None, figures: list[Figure] | None = None) -> dict[tuple[int, str], int]:
    """Current value of every stock figure (or of `figures`) per anchoring area: one grouped query each."""
    values = {}
    for figure in figures or _kept_list():
        rows = figure.rows(None)
        if area_ids is not None:
            rows = rows.filter(**{f"{figure.area}__in": area_ids})
        for area_id, n in rows.values_list(figure.area).annotate(n=Count("pk")).order_by():
            if area_id is not None:
                values[area_id, figure.code] = n
    return values


@transaction.atomic
def figures_rebuild(codes: list[str] | None = None) -> None:
    """Recount every stock figure (or those of `codes`) of every area: after a generator run or a
    restore, or the first time a newly registered figure is read."""
    figures = [plugins.figures[c] for c in codes] if codes else _kept_list()
    values = _stock_counts(None, figures)
    AreaFigure.objects.filter(code__in=[f.code for f in figures]).delete()
    AreaFigure.objects.bulk_create([AreaFigure(area_id=a, code=c, value=v) for (a, c), v in values.items()],
                                   batch_size=5000)
    for figure in figures:
        KeptFigure.objects.update_or_create(code=figure.code)


def figures_refresh() -> int:
    """Recompute the areas marked dirty; returns how many. The marks are locked while they are recomputed
    (a second reader waits, then finds them gone), and only the versions seen are cleared, so a write that
    lands meanwhile stays marked for the next read."""
    if not AreaFigureDirty.objects.exists():
        return 0
    with transaction.atomic():
        seen = list(AreaFigureDirty.objects.select_for_update().values_list("area_id", "version"))
        if not seen:
            return 0
        if len(seen) > REBUILD_ABOVE:
            figures_rebuild()
        else:
            ids = [a for a, _v in seen]
            values = _stock_counts(ids)
            AreaFigure.objects.filter(area_id__in=ids).delete()
            AreaFigure.objects.bulk_create([AreaFigure(area_id=a, code=c, value=v) for (a, c), v in values.items()])
        by_version: dict[int, list[int]] = {}
        for area_id, version in seen:
            by_version.setdefault(version, []).append(area_id)
        for version, area_ids in by_version.items():  # mostly one version; a few statements however many areas
            for start in range(0, len(area_ids), 500):
                AreaFigureDirty.objects.filter(version=version, area_id__in=area_ids[start:start + 500]).delete()
    return len(seen)


def _area_ids_of(model, pk, lookup: str) -> set[int]:
    return set(model._base_manager.filter(pk=pk).exclude(**{f"{lookup}__isnull": True})
               .values_list(lookup, flat=True))


def _area_ids_after(model, instance, lookup: str) -> set[int]:
    """The area a row sits in once written: its own field where the lookup is one (no query), else looked up."""
    if "__" not in lookup:
        value = getattr(instance, model._meta.get_field(lookup).attname)
        return {value} if value is not None else set()
    return _area_ids_of(model, instance.pk, lookup)


def _watch(figure: Figure) -> None:
    """Mark the areas of rows written through the ORM, before and after the write (a row may move)."""
    for label, lookup in figure.watch:
        model = apps.get_model(label)
        uid = f"figures:{label}:{lookup}"

        def before(sender, instance, lookup=lookup, **kwargs):
            if instance.pk is not None:
                instance._figure_areas = getattr(instance, "_figure_areas", set()) | _area_ids_of(sender, instance.pk, lookup)

        def after_save(sender, instance, lookup=lookup, **kwargs):
            figures_mark_dirty(getattr(instance, "_figure_areas", set()) | _area_ids_after(sender, instance, lookup))

        def after_delete(sender, instance, **kwargs):
            figures_mark_dirty(getattr(instance, "_figure_areas", set()))

        pre_save.connect(before, sender=model, dispatch_uid=uid + ":pre_save", weak=False)
        pre_delete.connect(before, sender=model, dispatch_uid=uid + ":pre_delete", weak=False)
        post_save.connect(after_save, sender=model, dispatch_uid=uid + ":post_save", weak=False)
        post_delete.connect(after_delete, sender=model, dispatch_uid=uid + ":post_delete", weak=False)


# --- reading ---------------------------------------------------------------------------------------------

@dataclass
class Period:
    """Local dates, both included."""

    start: datetime.date
    end: datetime.date

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        return (datetime.datetime.combine(self.start, datetime.time(), tz),
                datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time(), tz))


@dataclass
class FigureTable:
    """Registered figures for one area: its total and each child's (child areas, or a grid's buildings)."""

    area: Area
    figures: list[Figure]
    total: dict[str, int]
    children: list[tuple[Any, dict[str, int]]]
    at: datetime.date | None = None
    period: Period | None = None

    def column(self, code: str) -> list[int]:
        return [values.get(code, 0) for _child, values in self.children]


def _children(actor, area: Area) -> tuple[list, Callable[[Figure], str | None], int | None]:
    """The children shown under an area, the lookup that groups a figure's rows by child, and the
    path length that makes a child's key (None: keyed by building id)."""
    if area.level == AreaLevel.GRID:
        return (list(Building.objects.visible_to(actor).filter(area=area).order_by("name")),
                lambda f: f.building, None)
    return (list(Area.objects.get_children(area).visible_to(actor).order_by("code")),
            lambda f: f"{f.area}__path", (area.depth + 1) * Area.steplen)


def _measure(figure: Figure):
    """What a figure adds up over its rows: one each, or the lookup it totals."""
    return Sum(figure.total) if figure.total else Count("pk")


def _in_time(figure: Figure, rows, at, period):
    if figure.kind == FLOW and period is not None:
        start, end = period.bounds()
        if figure.in_period is not None:
            return figure.in_period(rows, start, end)
        rows = rows.filter(**{f"{figure.when}__gte": start, f"{figure.when}__lt": end})
        if figure.day:
            rows = rows.filter(**{f"{figure.day}__gte": period.start, f"{figure.day}__lte": period.end})
        return rows
    return rows


def _count_rows(figure: Figure, area: Area, group: str | None, length: int | None, at, period) -> dict:
    rows = _in_time(figure, figure.rows(at if figure.kind == STOCK else None), at, period)
    if area.level == AreaLevel.GRID:
        rows = rows.filter(**{figure.area: area.pk})
        if group is None:
            return {None: rows.aggregate(n=_measure(figure))["n"] or 0}
        return count_by(rows, group, measure=_measure(figure))
    rows = rows.filter(**{f"{figure.area}__path__prefix": area.path})
    return count_by(rows, f"{figure.area}__path", length, measure=_measure(figure))


def _kept_counts(codes: list[str], area: Area, length: int) -> dict[str, dict]:
    """Sums of the kept stock values under each child: one query for every figure."""
    by_code: dict[str, dict] = {c: {} for c in codes}
    kept = (AreaFigure.objects.filter(code__in=codes, area__path__prefix=area.path)
            .annotate(k=Substr("area__path", 1, length)).values_list("code", "k").annotate(n=Sum("value")).order_by())
    for code, key, n in kept:
        by_code[code][key] = n
    return by_code


def flow_totals(*, area: Area, codes: list[str], periods: dict[str, Period | None]) -> dict[str, dict[str, int]]:
    """Flow figures of one area over several periods at once (today, this week, all time: None): code → period
    key → value, in one query a figure (each period a filtered aggregate over the same rows). The caller
    fetched the area through the scope; the values are those `figure_table` gives for each period."""
    result: dict[str, dict[str, int]] = {}
    for code in codes:
        figure = plugins.figures[code]
        if figure.in_period is not None:  # rows that last over time: each period its own query
            result[code] = {key: _count_rows(figure, area, None, None, None, period).get(None, 0)
                            if area.level == AreaLevel.GRID else sum(
                                _count_rows(figure, area, None, len(area.path), None, period).values())
                            for key, period in periods.items()}
            continue
        rows = figure.rows(None)
        rows = (rows.filter(**{figure.area: area.pk}) if area.level == AreaLevel.GRID
                else rows.filter(**{f"{figure.area}__path__prefix": area.path}))
        aggregates = {}
        for key, period in periods.items():
            when = None
            if period is not None:
                start, end = period.bounds()
                when = Q(**{f"{figure.when}__gte": start, f"{figure.when}__lt": end})
                if figure.day:
                    when &= Q(**{f"{figure.day}__gte": period.start, f"{figure.day}__lte": period.end})
            aggregates[key] = Sum(figure.total, filter=when) if figure.total else Count("pk", filter=when)
        result[code] = {key: value or 0 for key, value in rows.aggregate(**aggregates).items()}
    return result


def figure_table(*, actor, area: Area, codes: list[str] | None = None, at: datetime.date | None = None,
                 period: Period | None = None) -> FigureTable:
    """The registered figures (all, or `codes`) for an area the actor may see (the caller fetched it
    through the scope), with each visible child's values. Stocks count as of `at` (today when None),
    flows over `period` (all time when None). A constant number of queries whatever the children."""
    figures = [plugins.figures[c] for c in codes] if codes else figure_list()
    if at is not None and at >= timezone.localdate():
        at = None
    children, group_of, length = _children(actor, area)
    key_of = (lambda child: child.pk) if length is None else (lambda child: child.path)
    by_code: dict[str, dict] = {}
    kept = [f.code for f in figures if f.kind == STOCK and f.kept and at is None and length is not None]
    if kept:
        figures_refresh()
        known = set(KeptFigure.objects.filter(code__in=kept).values_list("code", flat=True))
        if len(known) < len(kept):
            figures_rebuild([c for c in kept if c not in known])
        by_code.update(_kept_counts(kept, area, length))
    for figure in figures:
        if figure.code not in by_code:
            if figure.kind == STOCK and at is not None and not figure.history:
                by_code[figure.code] = {}  # no history kept: nothing to say about an earlier day
                continue
            by_code[figure.code] = _count_rows(figure, area, group_of(figure), length, at, period)
    total = {code: sum(values.values()) for code, values in by_code.items()}
    rows = [(child, {code: by_code[code].get(key_of(child), 0) for code in by_code}) for child in children]
    return FigureTable(area=area, figures=figures, total=total, children=rows, at=at, period=period)


def site_figures(*, actor, site: Site, codes: list[str], at: datetime.date | None = None,
                 period: Period | None = None) -> dict[str, int]:
    """Figures counted at one site the actor may see (the caller fetched it through the scope): those of
    `codes` that say where their rows' site is. One query a figure."""
    values = {}
    for code in codes:
        figure = plugins.figures[code]
        if figure.site is None:
            raise ValueError(f"{code} is not counted at sites")
        rows = _in_time(figure, figure.rows(at if figure.kind == STOCK else None), at, period)
        values[code] = rows.filter(**{figure.site: site.pk}).aggregate(n=_measure(figure))["n"] or 0
    return values


def sites_figure(*, code: str, site_ids: list[int], at: datetime.date | None = None,
                 period: Period | None = None) -> dict[int, int]:
    """One figure counted at each of these sites (which the caller fetched through the scope): site id → value,
    in one query however many sites."""
    figure = plugins.figures[code]
    if figure.site is None:
        raise ValueError(f"{code} is not counted at sites")
    rows = _in_time(figure, figure.rows(at if figure.kind == STOCK else None), at, period)
    return dict(rows.filter(**{f"{figure.site}__in": site_ids}).values_list(figure.site).annotate(n=_measure(figure))
                .order_by().values_list(figure.site, "n"))


def figure_series(*, area: Area, code: str, period: Period, by: str = "day") -> list[tuple[Any, int]]:
    """A flow figure under an area, split by day or hour over the period (local time): one query."""
    figure = plugins.figures[code]
    if figure.kind != FLOW:
        raise ValueError(f"{code} is not counted over time")
    rows = _in_time(figure, figure.rows(None), None, period).filter(**{f"{figure.area}__path__prefix": area.path})
    if _on_dates(figure):  # a date column is its own day (and has no hours)
        return list(rows.values_list(figure.when).annotate(n=_measure(figure)).order_by(figure.when))
    trunc = (TruncHour if by == "hour" else TruncDate)(figure.when, tzinfo=timezone.get_current_timezone())
    return list(rows.annotate(t=trunc).values_list("t").annotate(n=_measure(figure)).order_by("t"))


def _on_dates(figure: Figure) -> bool:
    """Is the flow's event time a date column (a day, not a moment)?"""
    model = figure.rows(None).model
    *path, name = figure.when.split("__")
    for step in path:
        model = model._meta.get_field(step).related_model
    found = model._meta.get_field(name)
    return isinstance(found, models.DateField) and not isinstance(found, models.DateTimeField)


def stock_rows_at(rows, at: datetime.date | None, start: str, end: str, *, start_may_be_null: bool = False):
    """Rows that existed on date `at` by their start and end date fields (current ones when None)."""
    if at is None:
        return rows.filter(**{f"{end}__isnull": True})
    began = Q(**{f"{start}__lte": at}) | (Q(**{f"{start}__isnull": True}) if start_may_be_null else Q(pk__in=[]))
    return rows.filter(began).filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": at}))

