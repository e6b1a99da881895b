"""Journey 1 of issue 8, in a real browser, in French: the earner of the seed tutorial "Exporter votre
badge vers un sac-à-badges" (/work/shared/seeds/tutorial-moodle-export-to-backpack.fr.txt).

Jeanne signs up with her personal address, adds her university address (a code comes by e-mail), and
chooses to be asked before a connected app adds a badge. Moodle, a client of Besace, then does what its
"Réglages du sac à badges" do (badges/classes/backpack_api.php, replayed in test_it_replays_moodle.py):
POST /o/token with her e-mail and password, then POST /v2/backpack/import with the URL of a badge it
hosts, awarded to her university address. Jeanne sees it among her pending badges and accepts it.
"""

import json
import re
import urllib.parse
import urllib.request

import pytest
from django.core import mail

from besace.backpack.models import BackpackBadge
from besace.connect.tests.moodle_site import ASSERTION_URL, moodle_badge_class, moodle_site_fetcher
from besace.testing.browser import BROWSER_TEST, chromium, sign_up_filled
from besace.testing.browser import SCREENSHOTS as SCREENSHOTS_ROOT

pytestmark = BROWSER_TEST

SCREENSHOTS = SCREENSHOTS_ROOT / "journey-1"
PERSONAL = "jeanne.dupond@gmail.example"
UNIVERSITY = "jeanne.dupond@uca.example"
PASSWORD = "mon sac a badges 2026"


def code_sent_to(address: str) -> str:
    """The 6-digit code of the last e-mail to `address` (the test mailbox: Django's outbox)."""
    message = [m for m in mail.outbox if address in m.to][-1]
    return re.search(r"^(\d{6})$", message.body, re.MULTILINE).group(1)


def moodle_calls(base: str, path: str, *, form: dict | None = None, body: dict | None = None) -> dict:
    """One HTTP request as Moodle's server sends it: no cookie, no CSRF token, a bearer token or none."""
    headers, data = {}, None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if body is not None:
        token = body.pop("_token")
        data = json.dumps(body).encode()
        headers |= {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers)) as answer:
        return json.loads(answer.read())


@pytest.fixture
def base_url(settings, live_server, monkeypatch) -> str:
    settings.BESACE_BASE_URL = live_server.url
    # The Moodle site that hosts Jeanne's badge, reachable without the network.
    monkeypatch.setattr("besace.api.badgr.badge_fetcher", lambda: moodle_site_fetcher(UNIVERSITY))
    return live_server.url


def test_a_university_earner_connects_moodle_and_gets_her_badge(transactional_db, base_url):
    base = base_url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = iter(range(1, 100))

    def screenshot(page, step: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{next(shot):02d}-{step}.png", full_page=True)

    badge_name = moodle_badge_class()["name"]

    # No ORM call inside the block: Playwright's greenlet would open a second database connection.
    with chromium() as browser:
        page = browser.new_context(locale="fr-FR").new_page()
        page.set_default_timeout(10_000)

        # 1. « Créez un compte » with a personal address, to keep it after leaving the university.
        page.goto(f"{base}/")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.get_by_role("navigation").get_by_role("link", name="Créer un compte").click()
        page.wait_for_url(re.compile(r".*/accounts/signup/$"))
        sign_up_filled(page, email=PERSONAL, password=PASSWORD, first_name="Jeanne", last_name="Dupond")
        assert page.get_by_label(
            "J’ai lu et j’accepte cette Déclaration de protection des données"
        ).is_checked()
        screenshot(page, "signup")
        page.locator("form button[type=submit]").click()

        # Her personal address is verified by the code e-mailed to it.
        page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))
        assert page.get_by_role("heading", name="Saisissez le code reçu par e-mail").is_visible()
        page.fill("input[name=code]", code_sent_to(PERSONAL))
        screenshot(page, "personal-address-code")
        page.get_by_role("button", name="Confirmer").click()
        page.wait_for_url(re.compile(r".*/backpack/$"))
        assert page.get_by_role("heading", name="Mes badges").is_visible()
        screenshot(page, "signed-up-empty-backpack")

        # 2. « Dans les préférences de compte, ajoutez votre adresse universitaire. »
        page.get_by_role("navigation").get_by_role("link", name="Compte").click()
        page.wait_for_url(re.compile(r".*/accounts/email/$"))
        assert page.get_by_role("heading", name="Vos adresses e-mail").is_visible()
        page.get_by_label("Adresse e-mail").fill(UNIVERSITY)
        page.get_by_role("button", name="Envoyer le code").click()
        page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))
        assert UNIVERSITY in page.inner_text("main")
        page.fill("input[name=code]", code_sent_to(UNIVERSITY))
        screenshot(page, "university-address-code")
        page.get_by_role("button", name="Confirmer").click()
        page.wait_for_url(re.compile(r".*/accounts/email/$"))
        addresses = page.locator("table.addresses tbody tr")
        assert addresses.count() == 2
        university = addresses.filter(has_text=UNIVERSITY)
        assert "Vérifiée" in university.inner_text() and "Principale" not in university.inner_text()
        assert "Principale" in addresses.filter(has_text=PERSONAL).inner_text()

        # She wants to see what Moodle sends before it lands in her backpack.
        page.get_by_label("Me demander d’abord").check()
        page.locator("form[action$='/accounts/pushed-badges/']").get_by_role(
            "button", name="Enregistrer"
        ).click()
        page.wait_for_url(re.compile(r".*/accounts/email/.*"))
        assert page.get_by_label("Me demander d’abord").is_checked()
        screenshot(page, "university-address-added")

        # 3. In Moodle's « Réglages du sac à badges », her e-mail and password: Moodle asks for a token…
        token = moodle_calls(base, "/o/token", form={"username": PERSONAL, "password": PASSWORD})
        assert token["token_type"] == "Bearer"
        # … then « transférer » a badge awarded on Moodle to her university address.
        imported = moodle_calls(
            base, "/v2/backpack/import", body={"url": ASSERTION_URL, "_token": token["access_token"]}
        )
        assert imported["status"]["success"] is True
        assert imported["result"][0]["acceptance"] == "Unaccepted"

        # 4. The badge waits in her backpack, saying who sent it; she accepts it.
        page.get_by_role("navigation").get_by_role("link", name="Mes badges").click()
        page.wait_for_url(re.compile(r".*/backpack/$"))
        assert page.get_by_role("heading", name="Badges en attente").is_visible()
        pending = page.locator("li.card.pending", has_text=badge_name)
        assert "Université Test (Moodle)" in pending.inner_text()
        assert "Envoyé par une application connectée avec votre mot de passe" in pending.inner_text()
        screenshot(page, "moodle-badge-pending")
        pending.get_by_role("button", name="Accepter").click()
        page.wait_for_url(re.compile(r".*/backpack/badges/[\w-]+/$"))
        assert page.locator("h1").inner_text() == badge_name
        screenshot(page, "moodle-badge-accepted")

        page.get_by_role("navigation").get_by_role("link", name="Mes badges").click()
        assert page.get_by_role("heading", name="Badges en attente").count() == 0
        card = page.locator("li.card", has_text=badge_name)
        assert "Université Test (Moodle)" in card.inner_text()
        screenshot(page, "moodle-badge-in-backpack")

    entry = BackpackBadge.objects.get(owner__email=PERSONAL)
    assert (entry.badge_id, entry.state) == (ASSERTION_URL, "accepted")
