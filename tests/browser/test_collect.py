"""A collector on a 375 px phone with a hand-held scanner (keystrokes and Enter into the focused field) fills a
10-person tube and sees 10/10 and the tube full; the network drops, two more people go into a new tube and
queue (待上传 2); the network comes back, the first upload's answer is lost on the way, the page sends the queue
again, and the two are counted once. A visitor goes in by hand; the camera button, on a phone without one, says
so and the field keeps working; a person sampled already is refused, and goes in as a deliberate re-test. The
page and a household's QR sheet keep to the Content-Security-Policy. And a phone whose camera films a resident's
QR code (Chromium's fake capture device) registers them through ZXing."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.mark.browser
def test_a_collector_fills_a_tube_by_scanner_then_queues_offline_and_uploads_once(live_city, live_server, page,
                                                                                   log_in):
    from django.utils import timezone

    from frontline.core.models import User
    from frontline.core.validators import id_check_char
    from frontline.epidemic.models import Sample, TestingRound, Tube
    from frontline.epidemic.registration import mask_name, person_qr_token
    from frontline.people.models import Person, Resident

    collector = User.objects.get(username="collector")
    testing_round = TestingRound.objects.get(staff__user=collector)
    now = timezone.now()  # the demo round under way whatever the hour
    TestingRound.objects.filter(pk=testing_round.pk).update(starts_at=now - datetime.timedelta(hours=3),
                                                           ends_at=now + datetime.timedelta(days=1))
    community = User.objects.get(username="secretary").area
    residents = list(Resident.objects.filter(household__building__area__path__startswith=community.path,
                                             moved_out__isnull=True, person__id_number__isnull=False)
                     .select_related("person").order_by("id")[:12])
    people = [r.person for r in residents]
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "Content Security" in m.text else None)
    page.add_init_script(WATCH)

    log_in("collector")
    page.locator(".fl-bottom a", has_text="采样登记").click()
    field = page.get_by_test_id("scan")
    expect(field).to_be_focused()  # a scanner types into the page as soon as it opens
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for testid in ("scan", "scan-ok", "camera", "visitor", "retest"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box["height"] >= 48, testid  # gloved fingers
    count, message = page.get_by_test_id("tube-count"), page.get_by_test_id("message")

    def scan(text):
        page.keyboard.type(text)
        page.keyboard.press("Enter")

    scan("TUBEA00001")
    expect(page.get_by_test_id("tube-code")).to_have_text("TUBEA00001")
    expect(count).to_have_text("0/10")
    for n, person in enumerate(people[:10], start=1):
        scan(person.id_number)
        expect(message).to_contain_text(mask_name(person.name))
        expect(count).to_have_text(f"{n}/10")
        assert person.name not in message.inner_text() or len(person.name) < 2
    expect(page.get_by_test_id("full")).to_be_visible()
    expect(page.get_by_test_id("full")).to_contain_text("已满")
    expect(page.get_by_test_id("pending")).to_have_text("已全部上传")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "collector-tube-full.png"), full_page=True)
    scan(people[10].id_number)  # an eleventh into the full tube: refused on the screen, nothing queued
    expect(message).to_contain_text("已满")
    expect(message).to_contain_text("此人未登记")  # the collector knows to scan them again into the next tube
    expect(page.get_by_test_id("pending")).to_have_text("已全部上传")
    assert Tube.objects.get(round=testing_round, code="TUBEA00001").samples_count == 10

    page.context.set_offline(True)
    expect(page.get_by_test_id("net")).to_have_text("离线")
    scan("TUBEB00001")
    expect(count).to_have_text("0/10")
    scan(people[10].id_number)  # by ID card
    expect(message).to_contain_text("已排队")
    scan(person_qr_token(people[11].pk))  # by the household sheet's QR code
    expect(count).to_have_text("2/10")
    expect(page.get_by_test_id("pending")).to_have_text("待上传 2")
    assert mask_name(people[11].name) not in message.inner_text()  # offline: no name to show
    page.screenshot(path=str(ARTIFACTS / "collector-offline-queue.png"), full_page=True)
    assert not Tube.objects.filter(round=testing_round, code="TUBEB00001").exists()

    # Back online, the first upload reaches the server but its answer is lost: the page keeps the queue and
    # sends it again; the server answers "already uploaded" and counts each person once.
    answered = []

    def flaky(route):
        if not answered:
            answered.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/testing/collect/*/records/", flaky)
    page.context.set_offline(False)
    expect(page.get_by_test_id("pending")).to_have_text("已全部上传", timeout=20000)
    assert answered == [200]
    expect(message).to_contain_text("已上传过")
    expect(count).to_have_text("2/10")
    tube = Tube.objects.get(round=testing_round, code="TUBEB00001")
    assert tube.samples_count == 2
    assert sorted(Sample.objects.filter(tube=tube).values_list("person_id", flat=True)) == sorted(
        [people[10].pk, people[11].pk])
    assert Sample.objects.filter(round=testing_round, collector=collector).count() == 12  # 10 + 2, none twice
    assert page.evaluate(f"localStorage.getItem('frontline.collect.queue.{collector.pk}.' + "
                         "JSON.parse(document.getElementById('collect-config').textContent).site)") == "[]"
    page.unroute("**/testing/collect/*/records/")

    # A visitor with no record, by hand; then the camera, which this headless phone does not have.
    number = next(n for n in (f"11010119900307{i:03d}" for i in range(100, 200))
                  if not Person.objects.filter(id_number=n + id_check_char(n)).exists())
    number += id_check_char(number)
    page.get_by_test_id("visitor").tap()
    page.get_by_test_id("visitor-name").fill("王小明")
    page.get_by_test_id("visitor-id").fill(number)
    page.get_by_test_id("visitor-ok").tap()
    expect(message).to_contain_text("王*明")
    expect(count).to_have_text("3/10")
    assert Sample.objects.get(person__id_number=number).tube_id == tube.pk
    page.get_by_test_id("camera").tap()
    expect(message).to_contain_text("摄像头")  # no camera: the field still works
    expect(page.get_by_test_id("camera-panel")).to_be_hidden()
    scan("TUBEA00001")  # after a tap on a button, the scanner's keystrokes still reach the field
    expect(count).to_have_text("10/10")  # back to the first tube: the server says what is in it
    expect(page.get_by_test_id("full")).to_be_visible()

    # The same person again: refused with the service's reason; as a deliberate re-test, into a single tube.
    scan("TUBED00001")
    scan(people[0].id_number)
    expect(message).to_contain_text("本轮已登记")
    expect(message).to_contain_text("复检")
    expect(count).to_have_text("0/10")
    page.get_by_test_id("retest").tap()
    expect(page.get_by_test_id("retest-banner")).to_be_visible()
    expect(page.get_by_test_id("tube-code")).to_have_text("—")  # a re-test asks for a new tube
    scan("RETEST0001")
    expect(count).to_have_text("0/1")
    scan(people[0].id_number)
    expect(message).to_contain_text(mask_name(people[0].name))
    expect(count).to_have_text("1/1")
    expect(page.get_by_test_id("full")).to_be_visible()
    assert list(Sample.objects.filter(round=testing_round, person=people[0]).order_by("id")
                .values_list("kind", "tube__code")) == [("routine", "TUBEA00001"), ("retest", "RETEST0001")]
    page.screenshot(path=str(ARTIFACTS / "collector-retest.png"), full_page=True)

    problems += page.evaluate("window.__cspViolations || []")
    log_in("secretary")  # the household's QR sheet, as its community's secretary prints it
    page.goto(f"{live_server.url}/households/{residents[0].household_id}/")
    page.get_by_test_id("household-qr").click()
    expect(page.get_by_test_id("qr-card").first).to_be_visible()
    expect(page.get_by_test_id("qr-print")).to_be_visible()
    assert page.locator("[data-testid=qr-card] svg").count() == Resident.objects.filter(
        household_id=residents[0].household_id, moved_out__isnull=True).count()
    page.screenshot(path=str(ARTIFACTS / "household-qr-sheet.png"), full_page=True)
    problems += page.evaluate("window.__cspViolations || []")
    assert not problems, problems


def _qr_video(path: Path, text: str, width: int = 640, height: int = 480) -> Path:
    """A camera that films a printed resident's QR code: a short Y4M clip (grey 4:2:0), for Chromium's fake
    capture device."""
    import segno

    matrix = segno.make(text, error="m").matrix
    modules = len(matrix) + 8  # the quiet zone
    scale = min(width, height) * 3 // 4 // modules
    left, top = (width - modules * scale) // 2, (height - modules * scale) // 2
    luma = bytearray(b"\xeb" * (width * height))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + (y + 4) * scale + dy) * width + left + (x + 4) * scale
                    luma[start:start + scale] = b"\x10" * scale
    chroma = b"\x80" * (width * height // 2)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(10):
            f.write(b"FRAME\n" + bytes(luma) + chroma)
    return path


@pytest.mark.browser
def test_a_phone_camera_reads_a_residents_qr_code(live_city, live_server, playwright, tmp_path):
    from django.utils import timezone

    from frontline.core.models import User
    from frontline.demo.accounts import DEMO_PASSWORD
    from frontline.epidemic.models import Sample, TestingRound
    from frontline.epidemic.registration import mask_name, person_qr_token
    from frontline.people.models import Resident

    from .conftest import CHROMIUM_ARGS

    collector = User.objects.get(username="collector")
    testing_round = TestingRound.objects.get(staff__user=collector)
    now = timezone.now()
    TestingRound.objects.filter(pk=testing_round.pk).update(starts_at=now - datetime.timedelta(hours=3),
                                                           ends_at=now + datetime.timedelta(days=1))
    community = User.objects.get(username="secretary").area
    person = (Resident.objects.filter(household__building__area__path__startswith=community.path,
                                      moved_out__isnull=True).select_related("person").order_by("id").first().person)
    video = _qr_video(tmp_path / "qr.y4m", person_qr_token(person.pk))
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True,
                                      has_touch=True, permissions=["camera"])
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "collector")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/testing/collect/")
        page.keyboard.type("TUBEC00001")
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("tube-count")).to_have_text("0/10")
        # Chromium's fake camera now and then starts without delivering frames to the page (a stalled capture;
        # alone the test reads the code within seconds): as a collector would, close the camera and open it again.
        message = page.get_by_test_id("message")
        for _attempt in range(3):
            page.get_by_test_id("camera").tap()
            try:
                expect(message).to_contain_text(mask_name(person.name), timeout=30000)
                break
            except AssertionError:
                if page.get_by_test_id("camera-panel").is_visible():
                    page.locator("#camera-close").tap()
        expect(message).to_contain_text(mask_name(person.name))
        expect(page.get_by_test_id("tube-count")).to_have_text("1/10")
        expect(page.get_by_test_id("camera-panel")).to_be_hidden()  # one code read, the camera closes
        assert Sample.objects.get(round=testing_round, person=person).tube.code == "TUBEC00001"
    finally:
        browser.close()
