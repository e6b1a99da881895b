"""The whole first journey in a real browser: award → e-mail → claim → sign up → accept → download."""

import json
import re
import urllib.request

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from besace.demo.images import badge_png
from besace.issuing import services
from besace.openbadges.png import unbake_png
from besace.testing.browser import BROWSER_TEST, chromium, sign_up_filled

pytestmark = BROWSER_TEST

EARNER = "Lea.Martin@Example.org"
PASSWORD = "owner password 2026"


@pytest.fixture
def live_settings(settings, live_server):
    settings.BESACE_BASE_URL = live_server.url
    return live_server


def test_it_takes_a_badge_from_award_to_a_downloaded_baked_png(
    transactional_db, live_settings, make_user, tmp_path
):
    base = live_settings.url
    owner = make_user("owner@univ.example", password=PASSWORD)
    issuer = services.issuer_create(
        owner=owner, name="Université Test", url="https://univ.example", email="b@univ.example"
    )
    badge_class = services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name="Python",
        description="Writes Python.",
        image=ContentFile(badge_png(), name="python.png"),
        criteria_text="Pass the project.",
    )

    with chromium() as browser:
        # The issuer's staff member awards the badge from the badge page.
        staff = browser.new_page()
        staff.set_default_timeout(10_000)
        staff.goto(f"{base}/accounts/login/?next=/issuers/badges/{badge_class.public_id}/")
        staff.fill("input[name=login]", "owner@univ.example")
        staff.fill("input[name=password]", PASSWORD)
        staff.click("form button[type=submit]")
        staff.wait_for_url(re.compile(rf".*/issuers/badges/{badge_class.public_id}/$"))
        staff.fill("#id_email", EARNER)
        staff.fill("#id_name", "Léa Martin")
        staff.click("form[action$='/award/'] button[type=submit]")
        staff.wait_for_selector("text=an e-mail is on its way")

        # The earner receives the e-mail and follows its claim link.
        [message] = [m for m in mail.outbox if m.to == [EARNER.lower()]]
        claim_url = re.search(r"https?://\S+/claim/\S+/", message.body).group(0)
        earner = browser.new_context(accept_downloads=True).new_page()
        earner.set_default_timeout(10_000)
        earner.goto(claim_url)
        earner.click("text=Create an account")
        sign_up_filled(earner, email=EARNER, password="a long earner passphrase")
        earner.click("form button[type=submit]")

        # Back on the claim page, signed in, the address verified by the link itself: accept.
        earner.click("text=Accept this badge")
        earner.wait_for_selector("text=Badge accepted")
        earner.click("text=My badges >> nth=0")
        card = earner.locator(".card", has_text="Python")
        assert card.is_visible()
        assert "Université Test" in card.inner_text()

        card.locator("a").first.click()
        with earner.expect_download() as download_info:
            earner.click("text=Download the badge image")
        baked_path = tmp_path / "baked.png"
        download_info.value.save_as(baked_path)

    baked = json.loads(unbake_png(baked_path.read_bytes()))
    assertion = badge_class.assertions.get()
    with urllib.request.urlopen(
        urllib.request.Request(assertion.public_url, headers={"Accept": "application/ld+json"})
    ) as response:
        assert baked == json.loads(response.read())
    assert baked["id"] == assertion.public_url
