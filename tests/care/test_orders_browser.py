"""On a 375 px phone, the demo volunteer opens their delivery run from the home page's big button: the urgent stop
(medicine) first, each showing the address, the lines and a masked name; "call" reveals the phone as a tel: link
(written into the audit log); they pick up and deliver the first, and record the second as not delivered with a
reason, until the run is empty."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_context_args, browser_type_launch_args, log_in  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_the_volunteer_completes_a_delivery_run_on_a_phone(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.areas.models import Household
    from frontline.care.models import Channel, OrderStatus, SupplyOrder
    from frontline.care.order_selectors import mask_name
    from frontline.care.orders import LineIn, order_place, orders_assign
    from frontline.core.models import AuditLog, User
    from frontline.demo.care import demo_catalogue_create
    from frontline.people.models import Resident

    items = demo_catalogue_create()
    grid_worker = User.objects.get(username="grid")
    homes = list(Household.objects.filter(building__area=grid_worker.area, residents__moved_out__isnull=True)
                 .distinct().order_by("id")[:2])
    rice = order_place(actor=grid_worker, household=homes[0], channel=Channel.GRID, contact_phone="13811112222",
                       lines=[LineIn(item_id=items["大米 5kg"].pk), LineIn(text="酱油一瓶")])
    medicine = order_place(actor=grid_worker, household=homes[1], channel=Channel.GRID, contact_phone="13933334444",
                           lines=[LineIn(item_id=items["布洛芬缓释胶囊"].pk)])
    orders_assign(actor=grid_worker, area=grid_worker.area, building_ids=[h.building_id for h in homes],
                  assignee=User.objects.get(username="volunteer"))
    first_name = (Resident.objects.filter(household=homes[1], moved_out__isnull=True).order_by("id")
                  .select_related("person").first().person.name)

    log_in("volunteer")
    page.locator("[data-testid=home-deliveries]").tap()
    stops = page.locator("[data-testid=stop]")
    expect(stops).to_have_count(2)
    first = stops.first
    expect(first.locator("[data-testid=urgent]")).to_be_visible()  # medicine goes first
    expect(first.locator("[data-testid=lines]")).to_contain_text("布洛芬缓释胶囊")
    expect(first.locator("[data-testid=stop-name]")).to_have_text(mask_name(first_name))
    expect(first.locator("[data-testid=stop-phone]")).to_have_text("139****4444")
    assert first_name not in page.content() and "13933334444" not in page.content()
    box = first.locator("[data-testid=deliver]").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # a thumb's target, the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    first.locator("[data-testid=call]").tap()
    tel = first.locator("[data-testid=tel]")
    expect(tel).to_have_attribute("href", "tel:13933334444")
    assert AuditLog.objects.filter(action="reveal", object_id=str(medicine.pk), actor__username="volunteer").count() == 1

    first.locator("[data-testid=pick-up]").tap()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator("[data-testid=stop]").first.locator("[data-testid=deliver]").tap()
    expect(page.locator("[data-testid=stop]")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "delivery-run.png"), full_page=True)

    last = page.locator("[data-testid=stop]").first
    expect(last.locator("[data-testid=lines]")).to_contain_text("酱油一瓶")
    last.locator("[data-testid=fail-box] summary").tap()
    last.locator("[data-testid=fail-reason]").fill("敲门无人应答，电话未接")
    last.locator("[data-testid=fail]").tap()
    expect(page.locator("[data-testid=run-empty]")).to_be_visible()
    expect(page.locator("[data-testid=run-summary]")).to_contain_text("2")
    assert SupplyOrder.objects.get(pk=medicine.pk).status == OrderStatus.DELIVERED
    failed = SupplyOrder.objects.get(pk=rice.pk)
    assert failed.status == OrderStatus.FAILED and failed.failed_reason == "敲门无人应答，电话未接"
