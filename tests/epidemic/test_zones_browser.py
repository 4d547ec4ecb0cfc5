"""On a 375 px phone: the commander opens the zones of the demo community, the sealed building due today is at
the top, its confirmation steps it down; a street officer declares a zone with the form; nothing overflows."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_context_args, browser_type_launch_args, log_in  # noqa: F401


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
def test_a_commander_confirms_the_due_step_down_on_a_phone(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.core.models import User
    from frontline.demo.control_zones import demo_zones_create
    from frontline.epidemic.models import ControlZone

    demo_zones_create()
    community = User.objects.get(username="secretary").area
    sealed = ControlZone.objects.get(area__path__startswith=community.path, level="sealed")
    log_in("commander")
    page.goto(f"{live_server.url}/zones/?area={community.pk}")
    first = page.locator("[data-testid=zone-row]").first
    expect(first).to_contain_text(sealed.name)
    expect(first.locator("[data-testid=zone-due]")).to_be_visible()
    _fits(page)
    first.locator("a").first.click()
    page.locator("[data-testid=step-down-link]").click()
    _fits(page)
    page.locator("[data-testid=confirm]").click()
    expect(page.locator("[data-testid=zone-level]")).to_have_text("管控区")
    assert ControlZone.objects.get(pk=sealed.pk).level == "controlled"


@pytest.mark.browser
def test_a_street_officer_declares_a_zone_on_a_phone(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.areas.models import Building
    from frontline.core.models import User
    from frontline.epidemic.models import ControlZone

    grid = User.objects.get(username="grid2").area
    building = Building.objects.filter(area=grid).order_by("id").first()
    log_in("street")
    page.goto(f"{live_server.url}/zones/new/{grid.pk}/")
    _fits(page)
    page.select_option("select[name=building]", str(building.pk))
    page.fill("textarea[name=reason]", "楼内发现阳性病例")
    page.locator("[data-testid=submit]").click()
    expect(page.locator("[data-testid=zone-history]")).to_contain_text("划定")
    zone = ControlZone.objects.get(building=building, ends_at__isnull=True)
    assert zone.level == "sealed"
    page.goto(f"{live_server.url}/buildings/{building.pk}/")
    expect(page.locator("[data-testid=sealed-mark]")).to_contain_text("封控区：上门服务")
    _fits(page)
