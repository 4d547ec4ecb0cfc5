"""At a desk, the city's commander opens the city dashboard, sees the map of the districts drawn without any tile
server (SVG regions, coloured by the chosen figure), and drills down by clicking the regions: a district, a street,
a community, and a grid, whose dashboard says its buildings have no outlines."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from shapely.geometry import shape

from tests.browser.conftest import browser_type_launch_args, log_in  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A commander's desk, not a phone.
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


def _click_region(page, area) -> None:
    """Click inside the area's outline on the map: the point ECharts draws it at must be one of its SVG paths."""
    from frontline.command.models import AreaOutline

    chart = page.locator("[data-testid=map-chart]")
    expect(chart).to_have_attribute("data-state", "ready")
    chart.scroll_into_view_if_needed()  # below the cards and alerts: elementFromPoint sees only the viewport
    inside = shape(AreaOutline.objects.get(area=area).geometry).buffer(-0.0005).representative_point()
    x, y = page.evaluate(
        """([lon, lat]) => echarts.getInstanceByDom(document.getElementById("command-map-chart"))
                           .convertToPixel({seriesIndex: 0}, [lon, lat])""", [inside.x, inside.y])
    box = chart.bounding_box()
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName.toLowerCase()", [box["x"] + x, box["y"] + y])
    assert hit in ("path", "text"), hit  # a region (or its own label)
    page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.mark.browser
def test_the_commander_drills_down_the_map_from_the_city_to_a_grid(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.areas.models import Area, AreaLevel
    from frontline.core.models import User

    grid = User.objects.get(username="grid").area
    chain = list(Area.objects.get_ancestors(grid)) + [grid]
    city, district, street, community = chain[:4]
    assert [a.level for a in chain] == [AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY,
                                        AreaLevel.GRID]

    log_in("commander")
    page.goto(f"{live_server.url}/command/areas/{city.pk}/")
    chart = page.locator("[data-testid=map-chart]")
    expect(chart).to_have_attribute("data-state", "ready")
    expect(chart.locator("svg path").first).to_be_visible()
    # Nothing but Frontline's own server was asked for anything (no tiles, no CDN).
    assert page.evaluate("performance.getEntriesByType('resource').every(e => e.name.startsWith(location.origin))")
    expect(page.locator("[data-testid=map-links] a")).to_have_count(Area.objects.get_children(city).count())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "command-map-city.png"), full_page=True)

    # Another figure recolours the same map.
    page.select_option("[data-testid=map-figure]", "households")
    expect(chart).to_have_attribute("data-state", "ready")

    for there in (district, street, community, grid):
        _click_region(page, there)
        page.wait_for_url(f"{live_server.url}/command/areas/{there.pk}/")
        expect(page.locator("body")).to_contain_text(there.name)

    expect(page.locator("[data-testid=map-message]")).to_contain_text("楼栋")
    expect(chart).to_have_attribute("data-state", "empty")
