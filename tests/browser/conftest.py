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
