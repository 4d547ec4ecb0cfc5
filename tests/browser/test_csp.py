"""The Content-Security-Policy holds on the pages people use: loading them (and an htmx search) reports no
violation, in the browser's console or as a `securitypolicyviolation` event."""

import datetime

import pytest

from frontline.demo.accounts import DEMO_PASSWORD

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _visit(page, url, problems):
    response = page.goto(url)
    assert response.status < 500, url
    assert "Content-Security-Policy" in {k.title() for k in response.headers} or "content-security-policy" in response.headers
    page.wait_for_load_state("networkidle")
    problems += [f"{url}: {v}" for v in page.evaluate("window.__cspViolations || []")]


@pytest.mark.browser
def test_the_main_pages_satisfy_the_content_security_policy(live_city, live_server, page):
    from frontline.areas.models import Area, Household
    from frontline.core.models import User
    from frontline.grid.questions import STANDARD_QUESTIONS
    from frontline.grid.services import screening_campaign_create
    from frontline.people.models import Resident

    secretary = User.objects.get(username="secretary")
    grid = User.objects.get(username="grid").area
    today = datetime.date.today()
    campaign = screening_campaign_create(actor=secretary, name="敲门行动", areas=[secretary.area], starts_on=today,
                                         ends_on=today, form=STANDARD_QUESTIONS)
    household = Household.objects.filter(building__area=grid).first()
    person = Resident.objects.filter(household=household).first().person
    city = Area.objects.get_first_root_node()

    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" and "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH)
    base = live_server.url
    _visit(page, f"{base}/login/", problems)
    _log_in(page, base, "commander")
    for path in ["/", f"/areas/{city.pk}/", f"/areas/{grid.pk}/", f"/buildings/{household.building_id}/",
                 f"/households/{household.pk}/", f"/people/{person.pk}/", "/people/search/", "/inbox/", "/work-orders/",
                 "/audit/", "/tokens/", "/campaigns/", f"/campaigns/{campaign.pk}/", "/messages/", "/messages/new/",
                 f"/areas/{grid.pk}/chain/", f"/areas/{grid.pk}/imports/new/", "/no-such-page/", "/password/", "/api/v1/docs"]:
        _visit(page, f"{base}{path}", problems)
    # An htmx request swapping results in (htmx must not inject its inline indicator style).
    page.goto(f"{base}/people/search/")
    page.fill("input[name=q]", person.name[:2])
    page.wait_for_selector("#results a, #results li, #results p")
    problems += [f"search: {v}" for v in page.evaluate("window.__cspViolations")]
    assert page.evaluate("document.querySelectorAll('head style').length") == 0

    page.context.clear_cookies()
    _log_in(page, base, "admin")
    for path in ["/", "/admin/", "/admin/core/user/", f"/admin/core/user/{secretary.pk}/change/"]:
        _visit(page, f"{base}{path}", problems)
    assert problems == []
