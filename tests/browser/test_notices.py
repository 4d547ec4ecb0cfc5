"""A grid worker on a phone opens a notice from the home page and acknowledges it with the big button."""

import pytest

from frontline.demo.accounts import DEMO_PASSWORD


@pytest.mark.browser
def test_grid_worker_acknowledges_a_notice_from_the_home_page_on_a_phone(live_city, live_server, page):
    from frontline.core.models import User
    from frontline.notices.models import NoticeReceipt
    from frontline.notices.services import notice_issue, notice_remind

    commander = User.objects.get(username="commander")
    notice = notice_issue(actor=commander, kind="notice", title="关于今晚全员核酸检测的通知", body="今晚八点，按楼栋有序下楼",
                          targets=[commander.area], roles=["grid_worker"])
    notice_remind(actor=commander, notice=notice)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "grid")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    card = page.locator("[data-testid=home-notice]", has_text=notice.title)
    assert card.locator("[data-testid=urged]").inner_text().strip() == "催办"
    card.click()
    page.locator("[data-testid=acknowledge]").click()
    assert "已签收" in page.locator(".alert-success").first.inner_text()
    assert page.locator("[data-testid=home-notices]").count() == 0  # back home, nothing waiting
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    receipt = NoticeReceipt.objects.get(notice=notice, user__username="grid")
    assert receipt.acknowledged_at is not None
