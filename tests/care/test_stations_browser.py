"""At 375 px (desk pages that must not break on a phone): a community secretary opens the stations of the demo
community, records a counseling session at the centre, sees it in the month's totals, records a hotline call that
becomes a request and reveals a caller's phone; nothing overflows the page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_context_args, browser_type_launch_args, log_in  # noqa: F401


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
def test_a_secretary_records_a_session_and_a_call_at_phone_width(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.areas.models import Site
    from frontline.care.models import CounselingSession, HotlineCall
    from frontline.core.models import AuditLog, User
    from frontline.demo.care_stations import demo_stations_create

    demo_stations_create()
    community = User.objects.get(username="secretary").area
    centre = Site.objects.get(area=community, kind="service_center")
    before = CounselingSession.objects.filter(site=centre).count()
    log_in("secretary")
    page.goto(f"{live_server.url}/care/stations/?area={community.pk}")
    expect(page.locator("[data-testid=site-row]").first).to_contain_text(centre.name)
    _fits(page)
    page.locator(f"a[href='/care/stations/{centre.pk}/']").click()
    _fits(page)
    page.fill("input[name=counsellor]", "王老师")
    page.fill("input[name=attendees]", "6")
    page.fill("input[name=topic]", "居家隔离心理调适")
    page.locator("[data-testid=counseling-save]").click()
    expect(page.locator("[data-testid=sessions]")).to_contain_text("居家隔离心理调适")
    assert CounselingSession.objects.filter(site=centre).count() == before + 1
    page.goto(f"{live_server.url}/care/counseling/?area={community.pk}")
    expect(page.locator("[data-testid=sessions]")).to_contain_text("居家隔离心理调适")
    _fits(page)
    page.goto(f"{live_server.url}/care/hotline-calls/?area={community.pk}")
    _fits(page)
    page.locator("[data-testid=call-form-box] summary").click()
    page.fill("input[name=topic]", "老人需要代购药品")
    page.fill("input[name=caller_phone]", "13912340000")
    page.check("input[name=is_request]")
    page.select_option("select[name=category]", "medicine")
    page.locator("[data-testid=call-save]").click()
    expect(page.locator("[data-testid=error-grid]")).to_be_visible()  # which grid the request is about: asked
    _fits(page)
    page.select_option("select[name=grid]", str(User.objects.get(username="grid").area_id))
    page.locator("[data-testid=call-save]").click()
    first = page.locator("[data-testid=call-row]").first
    expect(first).to_contain_text("139****0000")
    expect(first.locator("[data-testid=call-request]")).to_be_visible()
    _fits(page)
    first.locator("[data-testid=call-reveal]").click()
    expect(first.locator("[data-testid=revealed]")).to_have_text("13912340000")
    call = HotlineCall.objects.get(caller_phone="13912340000")
    assert call.request is not None
    assert AuditLog.objects.filter(action="reveal", object_id=str(call.pk)).count() == 1
