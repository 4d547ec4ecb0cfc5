"""API: areas, their figures, and households."""

import datetime
from typing import Literal

from django.db.models import Count, Q
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from frontline.core import plugins, policy
from frontline.core.scoping import get_for

from .figures import FLOW, STOCK, Period, figure_list, figure_series, figure_table, site_figures
from .models import Area, Household, Site
from .selectors import area_get_for, areas_with_parent_id

router = Router(tags=["areas"])


class AreaOut(Schema):
    id: int
    name: str
    level: str
    code: str
    parent_id: int | None = None


class AreaDetailOut(AreaOut):
    counts: dict[str, int]  # the current value of every registered stock figure, by code


class HouseholdRef(Schema):
    """A household by its address (select_related("building") keeps it to one query per page)."""

    id: int
    area_id: int
    building_id: int
    building: str
    unit: str
    room: str

    @staticmethod
    def resolve_area_id(obj):
        return obj.building.area_id

    @staticmethod
    def resolve_building(obj):
        return obj.building.name


class HouseholdOut(HouseholdRef):
    resident_count: int


@router.get("/areas", response=list[AreaOut])
@paginate
@policy.api_requires(policy.VIEW)
def area_list(request, parent: int | None = None, level: str | None = None):
    areas = areas_with_parent_id(Area.objects.visible_to(request.auth)).order_by("path")
    if parent is not None:
        p = area_get_for(request.auth, parent)
        areas = areas.filter(path__prefix=p.path, depth=p.depth + 1)
    if level:
        areas = areas.filter(level=level)
    return areas


@router.get("/areas/{area_id}", response=AreaDetailOut)
@policy.api_requires(policy.VIEW)
def area_detail(request, area_id: int):
    area = get_for(areas_with_parent_id(Area.objects.all()), request.auth, area_id)
    area.counts = figure_table(actor=request.auth, area=area, codes=[f.code for f in figure_list(STOCK)]).total
    return area


def _households(actor):
    return (Household.objects.visible_to(actor).select_related("building")
            .annotate(resident_count=Count("residents", filter=Q(residents__moved_out__isnull=True))))


@router.get("/households", response=list[HouseholdOut])
@paginate
@policy.api_requires(policy.VIEW_PEOPLE)
def household_list(request, area: int | None = None):
    households = _households(request.auth).order_by("id")
    if area is not None:
        households = households.filter(building__area__path__prefix=area_get_for(request.auth, area).path)
    return households


class FigureOut(Schema):
    code: str
    label: str
    unit: str
    kind: str
    app: str
    history: bool

    @staticmethod
    def resolve_label(obj):
        return str(obj.label)

    @staticmethod
    def resolve_unit(obj):
        return str(obj.unit)


class ChildFiguresOut(Schema):
    id: int
    name: str
    values: dict[str, int]


class FigureTableOut(Schema):
    area_id: int
    at: datetime.date | None
    start: datetime.date | None
    end: datetime.date | None
    total: dict[str, int]
    children: list[ChildFiguresOut]


class SeriesPointOut(Schema):
    t: datetime.datetime | datetime.date
    value: int


def _codes(codes: str) -> list[str] | None:
    wanted = [c for c in codes.split(",") if c] if codes else None
    unknown = [c for c in wanted or [] if c not in plugins.figures]
    if unknown:
        raise HttpError(422, f"unknown figures: {', '.join(unknown)}")
    return wanted


def _period(start, end) -> Period | None:
    if start is None and end is None:
        return None
    return Period(start or datetime.date(2000, 1, 1), end or timezone.localdate())


@router.get("/figures", response=list[FigureOut], tags=["figures"])
@policy.api_requires(policy.VIEW)
def figure_catalog(request):
    """Every registered figure: its code, label, unit, and whether it is a stock or a flow."""
    return figure_list()


@router.get("/areas/{area_id}/figures", response=FigureTableOut, tags=["figures"])
@policy.api_requires(policy.VIEW)
def area_figures(request, area_id: int, codes: str = "", at: datetime.date | None = None,
                 start: datetime.date | None = None, end: datetime.date | None = None):
    """Figures for an area in the caller's scope and each child's: stocks as of `at` (default now), flows
    over `start`–`end` (dates, both included; default all time)."""
    area = area_get_for(request.auth, area_id)
    period = _period(start, end)
    table = figure_table(actor=request.auth, area=area, codes=_codes(codes), at=at, period=period)
    return {"area_id": area.pk, "at": table.at, "start": period and period.start, "end": period and period.end,
            "total": table.total,
            "children": [{"id": c.pk, "name": c.name, "values": v} for c, v in table.children]}


@router.get("/sites/{site_id}/figures", response=dict[str, int], tags=["figures"])
@policy.api_requires(policy.VIEW)
def site_figures_api(request, site_id: int, codes: str, at: datetime.date | None = None,
                     start: datetime.date | None = None, end: datetime.date | None = None):
    """Figures counted at one site in the caller's scope (those registered with a site)."""
    site = get_for(Site, request.auth, site_id)
    wanted = _codes(codes) or []
    not_at_sites = [c for c in wanted if plugins.figures[c].site is None]
    if not_at_sites:
        raise HttpError(422, f"not counted at sites: {', '.join(not_at_sites)}")
    return site_figures(actor=request.auth, site=site, codes=wanted, at=at, period=_period(start, end))


@router.get("/areas/{area_id}/figures/{code}/series", response=list[SeriesPointOut], tags=["figures"])
@policy.api_requires(policy.VIEW)
def area_figure_series(request, area_id: int, code: str, start: datetime.date, end: datetime.date,
                       by: Literal["day", "hour"] = "day"):
    """A flow figure under an area, by day or hour over a period."""
    area = area_get_for(request.auth, area_id)
    figure = plugins.figures.get(code)
    if figure is None or figure.kind != FLOW:
        raise HttpError(422, f"{code} is not a figure counted over time")
    return [{"t": t, "value": n} for t, n in figure_series(area=area, code=code, period=Period(start, end), by=by)]
