"""A grid worker on a phone logs in, drills down to a household of their grid and sees masked IDs."""

import re
from pathlib import Path

import pytest

from frontline.demo.accounts import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_grid_worker_drills_down_to_a_household_and_sees_masked_ids(live_city, live_server, page):
    from frontline.areas.models import Household
    from frontline.core.models import User

    grid = User.objects.get(username="grid").area
    household = Household.objects.filter(building__area=grid, residents__person__id_number__isnull=False).first()
    building = household.building

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "grid")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.get_by_text("浏览我的区域").click()
    assert page.locator("[data-testid=breadcrumb]").inner_text().strip().endswith(grid.name)
    page.locator("[data-testid=children] a", has_text=building.name).first.click()
    page.locator(f"a[href='/households/{household.pk}/']").click()

    ids = page.locator("[data-testid=masked-id]").all_inner_texts()
    assert ids and all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", text.strip()) or not re.search(r"\d", text) for text in ids)
    full_numbers = [r.person.id_number for r in household.residents.select_related("person") if r.person.id_number]
    content = page.content()
    assert not any(number in content for number in full_numbers)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "grid-worker-household.png"), full_page=True)
    assert (ARTIFACTS / "grid-worker-household.png").stat().st_size > 0


@pytest.mark.browser
def test_grid_worker_reveals_a_phone_and_it_is_audited(live_city, live_server, page):
    from frontline.core.models import AuditLog, User
    from frontline.people.models import Resident

    grid = User.objects.get(username="grid").area
    resident = Resident.objects.filter(household__building__area=grid).exclude(person__phone="").first()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "grid")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/people/{resident.person.pk}/")
    assert resident.person.phone not in page.locator("#phone").inner_text()
    page.locator("#phone + button").click()
    page.wait_for_selector("[data-testid=revealed]")
    assert page.locator("#phone").inner_text().strip() == resident.person.phone
    assert AuditLog.objects.filter(action="reveal", person=resident.person, actor_name="grid").count() == 1


@pytest.mark.browser
def test_grid_worker_records_a_visit_on_a_phone_and_the_grid_progress_moves(live_city, live_server, page):
    import datetime

    from frontline.core.models import User
    from frontline.grid.questions import STANDARD_QUESTIONS
    from frontline.grid.services import screening_campaign_create

    grid_worker = User.objects.get(username="grid")
    grid = grid_worker.area
    today = datetime.date.today()
    campaign = screening_campaign_create(actor=User.objects.get(username="secretary"), name="敲门行动", areas=[grid],
                                         starts_on=today, ends_on=today, form=STANDARD_QUESTIONS)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "grid")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/areas/{grid.pk}/")
    progress = page.locator(f"[data-testid=campaign-progress-{campaign.pk}]")
    visited, total = (int(x) for x in progress.inner_text().split(" / "))
    assert visited == 0 and total > 0

    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/todo/?area={grid.pk}")
    page.locator("[data-testid=todo] a").first.click()
    rows = page.locator("[data-testid=resident-row]")
    assert rows.count() >= 1
    for i in range(rows.count()):
        rows.nth(i).locator("input[name$='-temperature']").fill("36.7")
    page.locator("[data-testid=save-visit]").click()
    page.wait_for_url("**/todo/**")
    assert "已保存" in page.content()

    page.goto(f"{live_server.url}/areas/{grid.pk}/")
    assert page.locator(f"[data-testid=campaign-progress-{campaign.pk}]").inner_text() == f"1 / {total}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "grid-worker-visit-progress.png"), full_page=True)
