"""In a real browser: an earner makes a badge public from the share panel, takes LinkedIn's pre-filled
"Add to profile" link, and the credential URL it carries shows the badge and its verification to anyone."""

import re
from urllib.parse import parse_qs, urlsplit

from besace.backpack.tests.organise_fixtures import kept_fixture  # noqa: F401
from besace.testing.browser import BROWSER_TEST, chromium

pytestmark = BROWSER_TEST


def test_it_shares_a_badge_on_linkedin_from_private_to_verified_credential(
    transactional_db, settings, live_server, kept, badge_class, issuer
):
    settings.BESACE_BASE_URL = live_server.url
    issuer.name = "Université Grenoble Alpes & CNRS"
    issuer.save(update_fields=["name"])
    badge_class.name = "Éco-conduite & sécurité"
    badge_class.save(update_fields=["name"])
    entry = kept("private")

    with chromium() as browser:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        earner = context.new_page()
        earner.set_default_timeout(10_000)
        earner.goto(f"{live_server.url}/accounts/login/?next=/backpack/badges/{entry.public_id}/")
        earner.fill("input[name=login]", "earner@example.org")
        earner.fill("input[name=password]", "correct horse battery")
        earner.click("form button[type=submit]")
        earner.wait_for_url(re.compile(rf".*/backpack/badges/{entry.public_id}/$"))

        assert earner.locator("#linkedin-add-to-profile").count() == 0  # private: nothing to share yet
        earner.click("text=Make it public and share it")
        earner.wait_for_selector("text=Your badge is public")
        # The button goes through Besace (which counts the share) on to LinkedIn's pre-filled form.
        button = earner.locator("#linkedin-add-to-profile").get_attribute("href")
        add_to_profile = earner.request.get(live_server.url + button, max_redirects=0).headers["location"]
        fields = {key: values[0] for key, values in parse_qs(urlsplit(add_to_profile).query).items()}
        assert add_to_profile.startswith("https://www.linkedin.com/profile/add?")
        assert fields["startTask"] == "CERTIFICATION_NAME"
        assert fields["name"] == "Éco-conduite & sécurité"
        assert fields["organizationName"] == "Université Grenoble Alpes & CNRS"
        assert fields["certId"] == entry.assertion.public_url
        assert fields["certUrl"] == f"{live_server.url}/badges/{entry.public_id}/"
        assert {"issueYear", "issueMonth"} <= fields.keys()

        # The copy buttons appear with the script and copy the field they stand beside.
        earner.click("#share >> text=If a field stays empty")
        earner.click("button[data-copy='linkedin-certUrl']")
        earner.wait_for_selector("#share .copy-status >> text=Copied.")
        assert earner.evaluate("navigator.clipboard.readText()") == fields["certUrl"]

        # "See credential" on LinkedIn: anyone, signed in nowhere, sees the badge and its verification.
        visitor = browser.new_context().new_page()
        visitor.set_default_timeout(10_000)
        visitor.goto(fields["certUrl"])
        assert visitor.locator("h1").inner_text() == "Éco-conduite & sécurité"
        assert "Verified: awarded by Université Grenoble Alpes & CNRS" in visitor.inner_text("main")
        og_image = visitor.locator("meta[property='og:image']").get_attribute("content")
        assert og_image == badge_class.image_url and og_image.startswith(live_server.url)
        assert visitor.locator("#share").count() == 0
