"""The wall screen in Chromium at 1920×1080: it fits the screen, its key figures are large on a dark background, and
when the data stops coming it keeps the last figures with their time and says the connection is lost, then
recovers by itself."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_type_launch_args, log_in  # noqa: F401


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The command centre's wall: a 1080p screen.
    return {**browser_context_args, "viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def _luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.browser
def test_the_wall_screen_fits_1080p_with_large_figures_on_a_dark_background(live_city, live_server, page, log_in,  # noqa: F811
                                                                          tmp_path):
    from frontline.areas.models import Area
    from frontline.command.wall import wall_codes

    city = Area.objects.get_first_root_node()
    log_in("commander")
    page.goto(f"{live_server.url}/command/areas/{city.pk}/wall/")
    expect(page.locator("[data-testid=wall-area]")).to_have_text(city.name)
    figures = page.locator("[data-testid=wall-figure]")
    expect(figures).to_have_count(len(wall_codes()))
    expect(page.locator("#wall-charts .wall-chart canvas").first).to_be_visible()  # ECharts drew the trends
    expect(page.locator("[data-testid=wall-rank] li").first).to_be_visible()
    expect(page.locator("[data-testid=wall-notice]")).to_be_hidden()
    shot = tmp_path / "wall-1920x1080.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    for i in range(figures.count()):
        value = figures.nth(i).locator("[data-testid=wall-figure-value]")
        expect(value).to_be_visible()
        expect(value).to_have_text(re.compile(r"^[\d,]+$"))
        assert float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
        box = figures.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1920 and box["y"] + box["height"] <= 1080
    residents = page.locator("[data-code=residents] [data-testid=wall-figure-value]")
    assert int(residents.inner_text().replace(",", "")) > 0
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert _luminance(background) < 0.1, background
    number_colour = page.evaluate("getComputedStyle(document.querySelector('.wall-number')).color")
    assert _luminance(number_colour) > 0.6  # bright on dark: readable across a room
    assert page.locator("[data-testid=wall-time]").inner_text().count(":") == 2
    assert not page.locator("nav.navbar").count()  # no navigation chrome


@pytest.mark.browser
def test_a_dropped_connection_keeps_the_last_figures_with_their_time(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.areas.models import Area

    district = Area.objects.filter(level="district").order_by("path").first()
    log_in("commander")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/command/areas/{district.pk}/wall/?every=1")
    notice = page.locator("[data-testid=wall-notice]")
    # The first refresh (after a second) answers and is kept for a reload without the server.
    page.wait_for_function(f"localStorage.getItem('frontline.wall.{district.pk}.samples_collected.zh-hans') !== null")
    page.wait_for_function("document.documentElement.dataset.wallState === 'live'")
    values = page.locator("[data-testid=wall-figure-value]").all_inner_texts()
    shown_at = page.locator("[data-testid=wall-time]").inner_text()
    assert values and shown_at

    data = re.compile(r".*/wall/data/.*")
    page.route(data, lambda route: route.abort())
    expect(notice).to_be_visible(timeout=10_000)
    expect(notice).to_have_text(f"连接中断，显示 {shown_at[:5]} 的数据")
    assert page.locator("[data-testid=wall-figure-value]").all_inner_texts() == values
    assert page.locator("[data-testid=wall-time]").inner_text() == shown_at
    assert page.evaluate("document.documentElement.dataset.wallState") == "offline"
    expect(page.locator("#wall-charts .wall-chart canvas").first).to_be_visible()

    page.unroute(data)
    expect(notice).to_be_hidden(timeout=10_000)  # back by itself once the server answers again
    assert page.locator("[data-testid=wall-figure-value]").all_inner_texts() == values
    assert not errors, errors
