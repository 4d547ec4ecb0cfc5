"""A parent's figures equal the sum of its children's, for every registered figure: for the city and a district
of the generated city with the demo activity of every app, stocks now and as of a past day, flows over the
outbreak and over a single day. Each child's value is its own area's total (asked of the registry for the child,
not read off the parent's table), so a row counted twice, or lost between levels, shows here."""

import datetime

import pytest
from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone

from frontline.areas.figures import FLOW, STOCK, Period, figure_list, figure_table
from frontline.command.periods import EPOCH
from frontline.command.selectors import dashboard_figures
from frontline.core import plugins
from frontline.demo.accounts import demo_activity_create

# A parent's value is its children's sum plus what sits at the parent itself: work anchored at a level above the
# grids (a party-fee allocation the city makes to organizations at large, a zone declared over a whole street).
# So the check is `parent == sum(children) + own`, `own` counted here straight from the figure's rows anchored at
# exactly that area; figures whose rows all sit in grids, sites or buildings have own == 0.
# compounds_assisted counts distinct places put under a zone: a place is one area or one building, each in exactly
# one child, so it adds up like the rest (asserted, not assumed).


def _own(figure, area, at, period) -> int:
    """The figure's rows anchored at exactly this area (none of its children), in the period or as of `at`."""
    rows = figure.rows(at if figure.kind == STOCK else None)
    if figure.kind == FLOW and period is not None:
        start, end = period.bounds()
        if figure.in_period is not None:
            rows = figure.in_period(rows, start, end)
        else:
            rows = rows.filter(**{f"{figure.when}__gte": start, f"{figure.when}__lt": end})
            if figure.day:
                rows = rows.filter(**{f"{figure.day}__gte": period.start, f"{figure.day}__lte": period.end})
    rows = rows.filter(**{figure.area: area.pk})
    return rows.aggregate(n=Sum(figure.total) if figure.total else Count("pk"))["n"] or 0


@pytest.fixture
def activity(city):
    demo_activity_create()
    cache.clear()
    return city


def _children_sum(actor, area, code, at, period) -> tuple[int, list]:
    table = figure_table(actor=actor, area=area, codes=[code], at=at, period=period)
    total = 0
    for child, _values in table.children:
        total += figure_table(actor=actor, area=child, codes=[code], at=at, period=period).total[code]
    return table.total[code], total


def test_every_registered_figure_of_a_parent_is_the_sum_of_its_childrens(activity):
    city = activity
    actor = city.users["commander"]
    today = timezone.localdate()
    figures = figure_list()
    assert len(figures) > 30
    cases = [("now, all time", None, Period(EPOCH, today)), ("today", None, Period(today, today)),
             ("a week ago", today - datetime.timedelta(days=7),
              Period(today - datetime.timedelta(days=13), today - datetime.timedelta(days=7)))]
    nonzero, own_seen = set(), set()
    failures = []
    for area in (city.city, city.district):
        for words, at, period in cases:
            for figure in figures:
                if figure.kind == STOCK and at is not None and not figure.history:
                    continue  # no value as of a past day at all (the dashboard shows "—"): nothing to add up
                parent, children = _children_sum(actor, area, figure.code, at, period)
                own = _own(figure, area, None if at is None or at >= today else at, period)
                if parent:
                    nonzero.add(figure.code)
                if own:
                    own_seen.add(figure.code)
                if parent != children + own:
                    failures.append(f"{figure.code} at {area.name}, {words}: {parent} vs children {children} + "
                                    f"own {own}")
    assert not failures, "\n".join(failures)
    # The check means something: the demo activity gives most figures, stocks and flows, a value somewhere.
    assert {f.code for f in figures if f.kind == FLOW} & nonzero
    assert {f.code for f in figures if f.kind == STOCK} & nonzero
    assert len(nonzero) >= len(figures) // 2, sorted({f.code for f in figures} - nonzero)
    # Figures counted through buildings (people, households, visits) all sit in grids: nothing of theirs is the
    # city's or the district's own.
    assert not own_seen & {f.code for f in figures if f.building and f.area.startswith(("household__", "building__"))}


def test_the_dashboard_figures_of_a_parent_are_its_childrens_sum(activity):
    """The cached figures the dashboard shows say the same: each value is its children's sum."""
    city = activity
    today = timezone.localdate()
    for area in (city.city, city.district):
        data = dashboard_figures(actor=city.users["commander"], area=area, period=Period(EPOCH, today))
        for code, value in data["values"].items():
            children = sum(c["values"].get(code, 0) for c in data["children"])
            own = _own(plugins.figures[code], area, None, Period(EPOCH, today))
            assert value == children + own, (area.name, code, value, children, own)


def test_the_ranking_shows_what_sits_at_the_area_itself(activity, client_for):
    """The city's own party-fee allocation is in no district: the ranking lists it as the level's own row, so the
    rows add up to the card."""
    city = activity
    response = client_for("commander").get(f"/command/areas/{city.city.pk}/?rank=funds_allocated&start=2022-01-01")
    own = _own(plugins.figures["funds_allocated"], city.city, None, Period(EPOCH, timezone.localdate()))
    assert own > 0
    html = response.content.decode()
    assert "（本级）" in html


def test_the_demo_activitys_decisions_reach_the_commander_and_no_other_district(activity, client_for):
    """The demo's sealed building due to step down and its positive pool awaiting re-test are listed for the city's
    commander, and for the district they lie in, not for the other district's commander."""
    city = activity
    client = client_for("commander")
    html = client.get(f"/command/areas/{city.city.pk}/").content.decode()
    assert 'data-testid="alert-group-zones_step_down"' in html and "应降级的管控区域" in html
    assert 'data-testid="alert-group-pools_retest"' in html and "待单管复检" in html
    district = client.get(f"/command/areas/{city.district.pk}/").content.decode()
    assert 'data-testid="alert-group-zones_step_down"' in district
    other = client_for("district2").get(f"/command/areas/{city.other_district.pk}/").content.decode()
    assert 'data-testid="alert-group-zones_step_down"' not in other
    assert 'data-testid="alert-group-pools_retest"' not in other
    # The inspector sees figures, not people: no re-test list (people's), the zones (view_zones) yes.
    inspector = client_for("inspector").get(f"/command/areas/{city.district.pk}/").content.decode()
    assert 'data-testid="alert-group-pools_retest"' not in inspector
    assert 'data-testid="alert-group-zones_step_down"' in inspector
