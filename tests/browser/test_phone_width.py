"""At 375 px nothing is wider than the phone: the bottom navigation keeps each entry on one line (a commander
has some fifteen) and scrolls sideways, and forms wrap instead of pushing their button off the screen."""

import pytest


@pytest.mark.browser
@pytest.mark.parametrize("username", ["commander", "cadre"])
def test_pages_fit_the_phone_and_the_bottom_navigation_is_one_line(live_city, live_server, page, username, log_in):
    log_in(username)
    for path in ["/", "/tokens/", "/notices/", "/work-orders/" if username == "commander" else "/duty/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        heights = page.locator(".fl-bottom a").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
        assert heights and max(heights) < 60, (path, heights)  # one line each, never a column of characters
