"""In a real browser: the pages that run scripts work under the Content-Security-Policy, which reports no
violation (a blocked inline script, style or foreign resource would be one)."""

import re

from besace.backpack.models import ImportJob
from besace.backpack.services import assertion_accept
from besace.pages.models import Page
from besace.pages.services import page_create
from besace.testing.browser import BROWSER_TEST, chromium

pytestmark = BROWSER_TEST

# Collected by the page itself, from the first script on: what the console may not say in words.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_pages_with_scripts_run_without_csp_violations(
    transactional_db, settings, live_server, earner, award
):
    settings.BESACE_BASE_URL = live_server.url
    entry = assertion_accept(assertion=award("earner@example.org"), user=earner)
    job = ImportJob.objects.create(owner=earner)  # not finished: its page polls for progress
    page = page_create(owner=earner, title="Mine", theme=Page.Theme.CLAIR, visibility=Page.Visibility.PRIVATE)
    paths = {
        "share panel": f"/backpack/badges/{entry.public_id}/",
        "batch import progress": f"/backpack/import/batch/{job.public_id}/",
        "page editor": f"/pages/{page.public_id}/edit/",
        "gallery map": "/gallery/map/",
        "API documentation": "/api/docs",
    }

    violations = []
    with chromium() as browser:
        tab = browser.new_context().new_page()
        tab.set_default_timeout(10_000)
        tab.add_init_script(LISTEN)
        tab.on(
            "console",
            lambda message: (
                violations.append(f"{tab.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        tab.goto(f"{live_server.url}/accounts/login/")
        tab.fill("input[name=login]", "earner@example.org")
        tab.fill("input[name=password]", "correct horse battery")
        tab.click("form button[type=submit]")
        tab.wait_for_url(re.compile(r".*/backpack/$"))
        for what, path in paths.items():
            response = tab.goto(live_server.url + path)
            assert response.status == 200, what
            assert "Content-Security-Policy" in {
                name.title(): value for name, value in response.headers.items()
            }
            tab.wait_for_load_state("networkidle")
            violations += [f"{what}: {v}" for v in tab.evaluate("window.__cspViolations")]
        # The scripts did run: the progress page's script asks for the job's status.
        with tab.expect_response(re.compile(r".*/status\.json$")):
            tab.goto(live_server.url + paths["batch import progress"])
    assert violations == []
