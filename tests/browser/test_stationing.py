"""A cadre on a phone logs today's stationing in one tap; the community secretary confirms it, and the cadre's
count of confirmed days moves."""

import pytest


@pytest.mark.browser
def test_a_cadre_logs_today_and_the_community_confirms_it(live_city, live_server, page, log_in):
    from frontline.core.models import User
    from frontline.demo.stationing import demo_stationing_create
    from frontline.mobilization.stationing import StationingDay
    from frontline.mobilization.stationing_services import local_today

    demo_stationing_create()  # the demo `cadre` account stands for a cadre living in the demo community
    log_in("cadre")
    page.goto(f"{live_server.url}/stationing/")
    before = int(page.locator("[data-testid=confirmed]").inner_text())
    page.locator("[data-testid=log-today] button").click()
    page.wait_for_selector(".alert-success")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    cadre = User.objects.get(username="cadre")
    logged = StationingDay.objects.get(cadre__person=cadre.person, day=local_today())
    assert logged.status == "waiting"

    page.context.clear_cookies()
    log_in("secretary")
    page.goto(f"{live_server.url}/areas/{logged.community_id}/stationing/")
    page.locator(f"input[name=day][value='{logged.pk}']").check()
    page.locator("button[name=action][value=confirm]").click()
    page.wait_for_selector(".alert-success")
    logged.refresh_from_db()
    assert logged.status == "confirmed" and logged.decided_by.username == "secretary"

    page.context.clear_cookies()
    log_in("cadre")
    page.goto(f"{live_server.url}/stationing/")
    assert int(page.locator("[data-testid=confirmed]").inner_text()) == before + 1
