"""A cadre on a 375 px phone opens 我的值守 and taps 签到 on the shift under way; the community's duty page, as
its secretary sees it, stops flagging that shift 无人到岗."""

import datetime
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"



@pytest.mark.browser
def test_a_cadre_checks_in_on_a_phone_and_the_roster_stops_flagging_the_shift(live_city, live_server, page, log_in):
    from django.utils import timezone

    from frontline.core.models import User
    from frontline.mobilization.duty import CheckIn
    from frontline.mobilization.duty_services import duty_shift_create
    from frontline.people.models import Resident

    secretary, cadre = User.objects.get(username="secretary"), User.objects.get(username="cadre")
    grid = User.objects.get(username="grid").area
    cadre.person = (Resident.objects.filter(household__building__area=grid, moved_out__isnull=True,
                                            person__accounts__isnull=True).order_by("id").first().person)
    cadre.save(update_fields=["person"])
    now = timezone.now()
    shift = duty_shift_create(actor=secretary, person=cadre.person, grid=grid, starts_at=now - datetime.timedelta(hours=1),
                              ends_at=now + datetime.timedelta(hours=7))
    duty_page = f"{live_server.url}/areas/{secretary.area.pk}/duty/"
    row = f"[data-testid=shift-{shift.pk}]"

    log_in("secretary")
    page.goto(duty_page)
    assert page.locator(f"{row} [data-testid=nobody-there]").inner_text().strip() == "无人到岗"

    log_in("cadre")
    page.locator(".fl-bottom a", has_text="我的值守").click()
    button = page.locator(f"{row} [data-testid=check-in]")
    assert button.inner_text().strip() == "签到"
    box = button.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 44  # one large button, thumb-sized
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    button.tap()
    page.wait_for_selector(f"{row} [data-testid=check-out]")
    assert "签到" in page.locator(".alert-success").inner_text()
    assert CheckIn.objects.filter(shift=shift, checked_out_at__isnull=True).count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cadre-my-duty.png"), full_page=True)

    log_in("secretary")
    page.goto(duty_page)
    assert page.locator(f"{row} [data-testid=nobody-there]").count() == 0
    assert "在岗" in page.locator(row).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "secretary-duty.png"), full_page=True)
