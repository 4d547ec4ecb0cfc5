"""On a 375 px phone at the demo street's service station: the street officer issues gift packs to residents with the
issue form, sees what is left, and a request beyond the stock is refused with what is left; nothing overflows."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_context_args, browser_type_launch_args, log_in  # noqa: F401


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
def test_a_station_issues_gift_packs_on_a_phone(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.areas.models import Site
    from frontline.care.models import Stock, SupplyItem
    from frontline.core.models import User
    from frontline.demo.care import demo_catalogue_create
    from frontline.demo.care_stock import demo_stock_create

    demo_catalogue_create()
    demo_stock_create()
    street = User.objects.get(username="street")
    station = Site.objects.get(area=street.area, kind="service_station")
    kit = SupplyItem.objects.get(name="防疫礼包")
    before = Stock.objects.get(site=station, item=kit).quantity
    log_in("street")
    page.goto(f"{live_server.url}/supplies/sites/{station.pk}/")
    _fits(page)
    page.locator("[data-testid=issue]").click()
    _fits(page)
    page.select_option("select[name=item]", str(kit.pk))
    page.fill("input[name=quantity]", "3")
    page.locator("label", has_text="居民").first.click()
    page.fill("input[name=recipients]", "3")
    page.locator("[data-testid=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"剩余 {before - 3}")
    assert Stock.objects.get(site=station, item=kit).quantity == before - 3
    page.fill("input[name=quantity]", "100000")
    page.fill("input[name=recipients]", "1")
    page.locator("[data-testid=submit]").click()
    expect(page.locator("[data-testid=form-errors]")).to_contain_text(f"只剩 {before - 3} 份")
    _fits(page)
