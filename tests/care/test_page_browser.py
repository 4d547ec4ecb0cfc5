"""On a 375 px phone, without an account: a resident opens the grid's page from its QR code, orders rice and
something not in the catalogue for their room, keeps the receipt code, and follows it with their phone; nothing
overflows the screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
def test_a_resident_orders_from_the_grid_page_and_follows_the_receipt(live_city, live_server, page):
    from django.core.cache import cache

    from frontline.areas.models import Household
    from frontline.care.models import ResidentPage, SupplyItem, SupplyOrder
    from frontline.core.models import User
    from frontline.demo.care import demo_catalogue_create

    cache.clear()
    demo_catalogue_create()
    grid = User.objects.get(username="grid").area
    resident_page = ResidentPage.objects.get_or_create(area=grid, defaults={"code": "browser-grid",
                                                                             "hotline": "0371-12345678"})[0]
    home = Household.objects.filter(building__area=grid).exclude(unit="").select_related("building").order_by("id").first()
    rice = SupplyItem.objects.get(name="大米 5kg")

    page.goto(f"{live_server.url}/r/{resident_page.code}/")
    expect(page.locator("[data-testid=grid-name]")).to_have_text(grid.name)
    expect(page.locator("[data-testid=hotline]")).to_have_attribute("href", f"tel:{resident_page.hotline}")
    _fits(page)
    form = page.locator("[data-testid=order-form]")
    form.locator("select[name=building]").select_option(str(home.building_id))
    form.locator("input[name=unit]").fill(home.unit)
    form.locator("input[name=room]").fill(home.room)
    form.locator("input[name=phone]").fill("139 1234 5678")
    form.locator(f"[data-testid=qty-{rice.pk}]").fill("2")
    form.locator("input[name=other]").fill("酱油一瓶")
    form.locator("button[type=submit]").click()

    receipt = page.locator("[data-testid=receipt]")
    expect(receipt).to_be_visible()
    order = SupplyOrder.objects.get(household=home)
    expect(receipt).to_have_text(order.receipt_display)
    expect(page.locator("body")).to_contain_text("请保存此回执码")
    _fits(page)

    page.locator("[data-testid=follow-link]").click()
    follow = page.locator("[data-testid=follow-form]")
    expect(follow.locator("input[name=receipt]")).to_have_value(order.receipt_display)
    follow.locator("input[name=phone]").fill("13912345678")
    follow.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=timeline]")).to_contain_text("已提交")
    expect(page.locator("[data-testid=lines]")).to_contain_text("大米 5kg × 2")
    expect(page.locator("[data-testid=lines]")).to_contain_text("酱油一瓶 × 1")
    _fits(page)

    follow = page.locator("[data-testid=follow-form]")
    follow.locator("input[name=phone]").fill("13800000000")  # someone else's phone: not found, nothing shown
    follow.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=error]")).to_be_visible()
    expect(page.locator("[data-testid=timeline]")).to_have_count(0)
