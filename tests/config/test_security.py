"""Production settings and the Content-Security-Policy."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_the_production_variables():
    # Other tests in this process allow async-unsafe calls (their live servers): not production.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "PLAZA_DEBUG": "0",
        "PLAZA_HTTPS": "1",
        "PLAZA_SECRET_KEY": secrets.token_urlsafe(50),
        "PLAZA_ALLOWED_HOSTS": "plaza.example",
    }
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";") if directive.strip())
    # The nonce is sent on pages that use it (an inline script must carry it).
    assert re.fullmatch(r"'self'( 'nonce-[\w+/=-]+')?", directives["script-src"])
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in policy


TEMPLATES = [path for path in (REPO / "plaza").rglob("templates/**/*.html") if "/email/" not in str(path)]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(REPO / "plaza")))
def test_no_template_needs_inline_script_or_style(template):
    """The policy would block them: behaviour goes in static scripts (data-confirm,
    data-print…), looks in style sheets."""
    html = template.read_text()
    assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler"
    assert not re.search(r"\sstyle\s*=", html), "an inline style attribute"
    assert not re.search(r"<style[\s>]", html), "an inline <style>"
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or "application/ld+json" in script, f"an inline script: {script}"
