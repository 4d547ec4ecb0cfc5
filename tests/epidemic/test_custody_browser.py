"""On a 375 px phone, a hardware scanner (keystrokes, then Enter) fills a bag at the collector's site: the field
stays focused and empty for the next code while the count grows (codes scanned faster than the answers come
wait their turn), the seal button is thumb-sized; the transporter then scans the bag and three of its four
tubes, and the missing code is on the screen at once."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_context_args, browser_type_launch_args, log_in  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective));
"""


def _scanner(page, code: str) -> None:
    """What a hardware scanner does: type the code into whatever has the focus, then press Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


@pytest.mark.browser
def test_a_scanner_fills_and_seals_a_bag_and_the_pickup_flags_a_missing_tube(live_city, live_server, page, log_in):  # noqa: F811
    from frontline.core.models import User
    from frontline.epidemic.models import Bag, Handover

    from .routes_custody import tubes_make

    class City:
        community = User.objects.get(username="secretary").area

    from .routes_custody import demo_round

    demo = demo_round(City)
    tubes_make(demo.round, demo.site, ["BR0001", "BR0002", "BR0003", "BR0004"])

    page.add_init_script(CSP_WATCH)
    log_in("collector")
    page.goto(f"{live_server.url}/testing/bags/")
    field = page.locator("[data-testid=scan-input]")
    assert page.evaluate("document.activeElement.dataset.testid") == "scan-input"
    _scanner(page, "BAG-BR")
    page.wait_for_selector("[data-testid=bag-code]")
    for n, code in enumerate(["BR0001", "BR0002"], start=1):
        _scanner(page, code)
        expect(page.locator("[data-testid=tube-count]")).to_have_text(str(n))
        assert field.input_value() == ""  # emptied for the next code
        assert page.evaluate("document.activeElement.dataset.testid") == "scan-input"
    _scanner(page, "BR0003")  # two codes back to back, the second before the first is answered: both go in
    _scanner(page, "BR0004")
    expect(page.locator("[data-testid=tube-count]")).to_have_text("4")
    assert Bag.objects.get(code="BAG-BR").tubes.count() == 4
    _scanner(page, "BR0001")  # again: said so, not counted twice
    expect(page.locator("[data-testid=scan-notice]")).to_contain_text("BR0001 已在本袋中")
    assert page.locator("[data-testid=tube-count]").inner_text().strip() == "4"
    seal = page.locator("[data-testid=seal]")
    box = seal.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 56
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "collector-bag.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []  # the screen's script is a static file, nothing inline
    seal.tap()
    expect(page.locator("[data-testid=scan-notice]")).to_contain_text("已封袋，共 4 管")
    assert Bag.objects.get(code="BAG-BR").sealed_count == 4

    log_in("transporter")
    page.goto(f"{live_server.url}/testing/bags/")
    _scanner(page, "BAG-BR")
    page.wait_for_selector("[data-testid=scanned-count]")
    for code in ("BR0002", "BR0003", "BR0004"):
        _scanner(page, code)
    expect(page.locator("[data-testid=scanned-count]")).to_have_text("3")
    page.locator("[data-testid=confirm]").tap()
    page.wait_for_selector("[data-testid=handover-mismatch]")
    mismatch = page.locator("[data-testid=handover-mismatch]")
    assert "交接异常" in mismatch.inner_text() and "BR0001" in page.locator("[data-testid=missing-codes]").inner_text()
    assert float(page.evaluate("getComputedStyle(document.querySelector('[data-testid=missing-codes]')).fontSize"
                               ".replace('px', '')")) >= 20  # large type
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "transporter-mismatch.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    h = Handover.objects.get(bag__code="BAG-BR")
    assert h.missing == ["BR0001"], (h.missing, h.extra, h.counted)

    log_in("secretary")  # the desk: the round's 交接异常, and the missing tube's path, on a phone too
    page.goto(f"{live_server.url}/testing/rounds/{demo.round.pk}/bags/")
    row = page.locator("[data-testid=mismatch-BAG-BR]")
    assert "BR0001" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "secretary-round-custody.png"), full_page=True)
    row.get_by_role("link", name="BR0001").click()
    expect(page.locator("[data-testid=tube-code]")).to_have_text("BR0001")
    assert "BAG-BR" in page.locator("[data-testid=bag]").inner_text()
    assert "本管缺失" in page.locator("[data-testid=handovers]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "secretary-tube-path.png"), full_page=True)
