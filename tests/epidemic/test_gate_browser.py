"""On a 375 px phone at the demo gate, the checkpoint staff type a red-code resident's ID number and Enter, type the
temperature, tap red (what the resident's phone shows): 禁止通行 fills the screen in large type with the reason,
the masked name and age; a second tap on the same check counts once; the resident's grid worker then finds the
alert in their inbox."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_context_args, browser_type_launch_args, log_in  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective));
"""


@pytest.mark.browser
def test_checkpoint_staff_stop_a_red_code_and_the_grid_worker_gets_the_alert(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.core.models import User, WorkOrder
    from frontline.epidemic.models import CheckpointScan
    from frontline.epidemic.registration import mask_name
    from frontline.people.models import Resident

    grid = User.objects.get(username="grid").area
    resident = (Resident.objects.filter(household__building__area=grid, moved_out__isnull=True,
                                        person__id_number__isnull=False).select_related("person").order_by("-id").first())
    person = resident.person

    page.add_init_script(CSP_WATCH)
    log_in("gate")
    page.locator("[data-testid=home-gate]").tap()  # the home page's one big button
    page.wait_for_selector("[data-testid=gate]")
    assert page.evaluate("document.activeElement.dataset.testid") == "person"
    page.keyboard.type(person.id_number, delay=5)  # a scanner, or the staff typing, then Enter
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.testid") == "temperature"
    page.keyboard.type("365")
    page.keyboard.press("Enter")
    red = page.locator("[data-testid=colour-red]")
    box = red.bounding_box()
    assert box["height"] >= 56 and box["width"] >= 90  # a thumb's target
    red.tap()

    word = page.locator("[data-testid=verdict-word]")
    expect(word).to_have_text("禁止通行")
    assert float(word.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40  # large type
    expect(page.locator("[data-testid=verdict-reasons]")).to_contain_text("健康码非绿码")
    expect(page.locator("[data-testid=verdict-who]")).to_contain_text(mask_name(person.name))
    assert person.name not in page.content() and person.id_number not in page.content()
    expect(page.locator("[data-testid=recent] li").first).to_contain_text("禁止通行")
    assert page.locator("[data-testid=person]").input_value() == ""  # ready for the next person
    assert page.evaluate("document.activeElement.dataset.testid") == "person"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gate-stop.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []  # the screen's script is a static file, nothing inline
    assert CheckpointScan.objects.filter(person=person, passed=False).count() == 1
    alert = WorkOrder.objects.get(kind="checkpoint_stop", subject_id=person.pk, status="open")

    log_in("grid")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("[data-testid=inbox]")).to_contain_text(alert.title)
    page.get_by_text(alert.title).first.tap()
    expect(page.locator("h1")).to_contain_text(alert.title)


@pytest.mark.browser
def test_the_desks_checkpoint_pages_fit_a_phone(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.epidemic.models import CheckpointPost

    site = CheckpointPost.objects.get(user__username="gate", ended_at__isnull=True).site
    log_in("secretary")
    for path in ("/checkpoints/", f"/checkpoints/{site.pk}/", "/checkpoints/new/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto(f"{live_server.url}/checkpoints/")
    expect(page.locator(f"[data-testid=checkpoint-{site.pk}]")).to_contain_text(site.name)
