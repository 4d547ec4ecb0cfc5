"""Playwright drives Debian's Chromium (Playwright's own browser download does not work here)."""

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A grid worker's phone.
    return {**browser_context_args, "viewport": {"width": 375, "height": 812}, "locale": "zh-CN",
            "is_mobile": True, "has_touch": True}


@pytest.fixture
def log_in(live_server, page):
    """Log the browser in as a demo account, through the login page (whoever was logged in is logged out)."""
    from frontline.demo.accounts import DEMO_PASSWORD

    def log_in_as(username: str) -> None:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
    return log_in_as
