"""Journey 3 of issue 8, in a real browser and in French: the "training body" tutorial
(/work/shared/seeds/tutorial-badge-on-linkedin.fr.txt). A trainee receives the badge e-mail, downloads its
PDF version, creates an account and accepts the badge, opens the share panel, takes LinkedIn's "Ajouter au
profil" link already filled in (name, organisation, issue date, credential ID and URL), and the credential
URL it carries shows the badge and its verification, in French, to anyone."""

import datetime
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pypdf
import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from besace.backpack.models import BackpackBadge
from besace.core.audit import audit_entries_for
from besace.demo.images import badge_png
from besace.issuing import services
from besace.testing.browser import BROWSER_TEST, chromium, french, sign_up_filled
from besace.testing.browser import SCREENSHOTS as SCREENSHOTS_ROOT

pytestmark = BROWSER_TEST

SCREENSHOTS = SCREENSHOTS_ROOT / "journey-3"
TRAINEE = "camille.martin@example.org"
BADGE = "Recherche documentaire avancée"
ISSUER = "Urfist Méditerranée"
ISSUED_ON = timezone.make_aware(datetime.datetime(2026, 3, 12, 10, 0))


@pytest.fixture
def base_url(settings, live_server) -> str:
    settings.BESACE_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def awarded(base_url, make_user):
    """The training body's badge, with an ESCO competence, awarded to the trainee in French."""
    owner = make_user("formation@urfist.example")
    issuer = services.issuer_create(
        owner=owner, name=ISSUER, url="https://urfist.example", email="formation@urfist.example"
    )
    badge_class = services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name=BADGE,
        description="Maîtriser les bases de données bibliographiques et la veille.",
        image=ContentFile(badge_png(), name="recherche.png"),
        criteria_text="Avoir suivi les trois séances et rendu le dossier de veille.",
        alignments=[
            {
                "target_name": "effectuer des recherches documentaires",
                "target_url": "http://data.europa.eu/esco/skill/0a8e6b3c-3b5e-4b0f-9a36-2f2f7c1f6d7a",
                "target_framework": "ESCO",
            }
        ],
    )
    return services.badge_award(
        badge_class=badge_class,
        award=services.AwardRequest(email=TRAINEE, name="Camille Martin", issued_on=ISSUED_ON),
        actor=owner,
        language="fr",
    )


def test_a_trainee_gets_the_pdf_accepts_and_adds_the_badge_to_linkedin(transactional_db, base_url, awarded):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    credential_id = awarded.public_url

    # The e-mail, in French: « Obtenir mon badge » and the badge's PDF version.
    [message] = [m for m in mail.outbox if m.to == [TRAINEE]]
    assert message.extra_headers["Content-Language"] == "fr"
    assert french("Get my badge:") in message.body
    claim_url = re.search(r"https?://\S+/claim/\S+/$", message.body, re.MULTILINE).group(0)
    pdf_url = re.search(r"https?://\S+/certificate\.pdf", message.body).group(0)
    assert pdf_url in message.alternatives[0][0]

    # No ORM call inside the block: Playwright's greenlet would open a second database connection.
    with chromium() as browser:
        context = browser.new_context(locale="fr-FR", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(10_000)

        # 1. The e-mail's link: the badge, « Obtenir mon badge », and its PDF version.
        page.goto(claim_url)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.locator("h1").inner_text() == BADGE
        page.screenshot(path=SCREENSHOTS / "01-claim-page.png", full_page=True)

        # 2. The PDF version: a real PDF that names the badge, the trainee and the issuer.
        with page.expect_download() as download_info:
            page.get_by_role("link", name=french("Download its PDF version")).click()
        pdf_bytes = Path(download_info.value.path()).read_bytes()
        assert pdf_bytes.startswith(b"%PDF-")
        pdf_text = " ".join(page_.extract_text() for page_ in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages)
        for expected in (BADGE, "Camille Martin", ISSUER):
            assert expected in pdf_text
        page.screenshot(path=SCREENSHOTS / "02-pdf-downloaded.png", full_page=True)

        # 3. « Créer un nouveau compte », with the data-protection consent, then « Accepter ce badge ».
        page.get_by_role("link", name=french("Create an account")).click()
        sign_up_filled(page, email=TRAINEE, password="une phrase de passe assez longue")
        page.screenshot(path=SCREENSHOTS / "03-create-account.png", full_page=True)
        page.click("form button[type=submit]")
        page.get_by_role("button", name=french("Accept this badge")).click()
        page.wait_for_url(re.compile(r".*/backpack/badges/[\w-]+/$"))
        assert french("Badge accepted: it is in your backpack.") in page.inner_text(".messages")
        page.screenshot(path=SCREENSHOTS / "04-accepted.png", full_page=True)

        # 4. The share tab (« Partager »): make the badge public to share it.
        page.get_by_role("navigation", name=french("On this page")).get_by_role(
            "link", name=french("Share")
        ).click()
        assert page.url.endswith("#share")
        page.get_by_role("button", name=french("Make it public and share it")).click()
        page.wait_for_url(re.compile(r".*#share$"))
        assert french("Your badge is public: share it with the links below.") in page.inner_text(".messages")
        page.locator("#share").scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "05-share-tab.png", full_page=True)

        # 5. « Ajouter au profil »: through Besace (which counts the share) to LinkedIn's form, filled in.
        add_to_profile = page.locator("#linkedin-add-to-profile")
        assert add_to_profile.inner_text() == french("Add to my LinkedIn profile")
        linkedin = page.request.get(base_url + add_to_profile.get_attribute("href"), max_redirects=0)
        assert linkedin.status == 302
        target = linkedin.headers["location"]
        assert target.startswith("https://www.linkedin.com/profile/add?")
        fields = {key: values[0] for key, values in parse_qs(urlsplit(target).query).items()}
        share_url = page.locator("#share-link").input_value()
        assert fields == {
            "startTask": "CERTIFICATION_NAME",
            "name": BADGE,
            "organizationName": ISSUER,
            "issueYear": "2026",
            "issueMonth": "3",
            "certId": credential_id,
            "certUrl": share_url,
        }
        # The same fields to copy by hand, for a LinkedIn form that would leave one empty.
        page.locator("#share details summary").click()
        assert page.locator("#linkedin-certUrl").input_value() == share_url
        page.screenshot(path=SCREENSHOTS / "06-linkedin-fields.png", full_page=True)

        # 6. « Voir la référence » on LinkedIn: anyone sees the badge and its verification, in French.
        visitor = browser.new_context(locale="fr-FR").new_page()
        visitor.set_default_timeout(10_000)
        visitor.goto(fields["certUrl"])
        assert visitor.locator("html").get_attribute("lang") == "fr"
        assert visitor.locator("h1").inner_text() == BADGE
        verified = french(
            "Verified: awarded by %(issuer)s on %(date)s, through Besace.", issuer=ISSUER, date="12 mars 2026"
        )
        assert verified in visitor.inner_text("main")
        assert "effectuer des recherches documentaires" in visitor.inner_text("main")  # the ESCO competence
        assert visitor.locator("#share").count() == 0
        visitor.screenshot(path=SCREENSHOTS / "07-public-credential.png", full_page=True)

    entry = BackpackBadge.objects.get(assertion=awarded)
    assert entry.visibility == "public" and entry.shared_at is not None
    assert audit_entries_for(entry).filter(action="backpack.badge.shared").count() == 1
