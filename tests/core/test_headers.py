"""Every response carries a Content-Security-Policy that allows only Frontline's own assets, and the
templates give it nothing to block: no inline script, no style or event-handler attributes."""

import re
from pathlib import Path

import pytest

import frontline

TEMPLATES = Path(frontline.__file__).parent / "templates"


@pytest.mark.parametrize("path", ["/login/", "/", "/api/v1/openapi.json", "/api/v1/households", "/no-such-page/",
                                  "/static/vendor/htmx.min.js"])
def test_every_response_has_a_content_security_policy(db, client, path):
    policy = client.get(path).headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_templates_have_no_inline_script_style_or_handlers():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle\s*=", r"<style", r"\son[a-z]+\s*=", r"javascript:",
                        r"\shx-on"):
            offenders += [f"{template.relative_to(TEMPLATES)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []
