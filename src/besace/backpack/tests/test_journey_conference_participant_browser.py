"""Journey 2 of issue 8, in a real browser, in French: the participant of the seed tutorial "Obtenir et
partager son premier badge" (/work/shared/seeds/tutorial-obtain-share-first-badge.fr.txt).

The Amcsti awards Claire its congress badge. She opens the e-mail, follows « Obtenir mon badge », creates
her account (accepting the data-protection statement), accepts the badge, makes it public with her name,
then finds it in the gallery by its issuer, sees « Tous les bénéficiaires » with herself among them,
and follows the badge.
"""

import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from besace.backpack import services as backpack_services
from besace.backpack.models import BackpackBadge, EarnerName
from besace.demo.images import badge_png
from besace.issuing import services as issuing_services
from besace.social.models import BadgeClassFollow
from besace.testing.browser import BROWSER_TEST, chromium, french, sign_up_filled
from besace.testing.browser import SCREENSHOTS as SCREENSHOTS_ROOT

pytestmark = BROWSER_TEST

SCREENSHOTS = SCREENSHOTS_ROOT / "journey-2"
PARTICIPANT = "claire.martin@example.org"
PASSWORD = "congres amcsti 2019"
BADGE_NAME = "Je participe au congrès de l'Amcsti 2019"


@pytest.fixture
def congress(settings, live_server, make_user):
    """The Amcsti's badge, held publicly by two earlier participants; another issuer's badge beside it."""
    settings.BESACE_BASE_URL = live_server.url  # before any award: badges carry absolute URLs
    owner = make_user("badges@amcsti.example")
    amcsti = issuing_services.issuer_create(
        owner=owner, name="Amcsti", url="https://amcsti.example", email="badges@amcsti.example"
    )
    participation = issuing_services.badge_class_create(
        issuer=amcsti,
        actor=owner,
        name=BADGE_NAME,
        description="Un badge d'expérience qui reconnaît la participation au 37e congrès de l'Amcsti.",
        image=ContentFile(badge_png(), name="congres.png"),
        criteria_text="Avoir participé au congrès, à Caen, du 3 au 5 juillet 2019.",
    )
    dome = issuing_services.issuer_create(
        owner=owner, name="Le Dôme", url="https://ledome.example", email="badges@ledome.example"
    )
    workshop = issuing_services.badge_class_create(
        issuer=dome,
        actor=owner,
        name="Atelier fablab",
        description="A suivi l'atelier du fablab.",
        image=ContentFile(badge_png(), name="fablab.png"),
        criteria_text="Participer à l'atelier.",
    )
    for email, first, last, badge in [
        ("benjamin@example.org", "Benjamin", "Crettenand", participation),
        ("didier@example.org", "Didier", "Michel", participation),
        ("hugo@example.org", "Hugo", "Fablab", workshop),
    ]:
        holder = make_user(email, password=PASSWORD)
        holder.first_name, holder.last_name = first, last
        holder.save()
        assertion = issuing_services.badge_award(
            badge_class=badge, award=issuing_services.AwardRequest(email=email), actor=owner
        )
        entry = backpack_services.assertion_accept(assertion=assertion, user=holder)
        entry.visibility, entry.earner_name = "public", EarnerName.SHOWN
        entry.save(update_fields=["visibility", "earner_name"])
    mail.outbox.clear()
    # « Quelques jours après votre inscription au congrès, vous recevrez un e-mail de la part de l'Amcsti. »
    issuing_services.badge_award(
        badge_class=participation,
        award=issuing_services.AwardRequest(email=PARTICIPANT, name="Claire Martin"),
        actor=owner,
        language="fr",
    )
    return live_server.url


def test_a_conference_participant_gets_shares_and_finds_her_badge(transactional_db, congress):
    base = congress
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = iter(range(1, 100))

    def screenshot(page, step: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{next(shot):02d}-{step}.png", full_page=True)

    [message] = mail.outbox
    assert message.to == [PARTICIPANT] and message.extra_headers["Content-Language"] == "fr"
    assert message.subject == f"Amcsti vous a attribué le badge «\u00a0{BADGE_NAME}\u00a0»"
    [(html, _type)] = message.alternatives

    # No ORM call inside the block: Playwright's greenlet would open a second database connection.
    with chromium() as browser:
        page = browser.new_context(locale="fr-FR").new_page()
        page.set_default_timeout(10_000)

        # 1. The e-mail, and its « Obtenir mon badge » button.
        page.set_content(html)
        assert "Bonjour Claire Martin," in page.inner_text("body")
        screenshot(page, "award-email")
        page.get_by_role("link", name="Obtenir mon badge").click()
        page.wait_for_url(re.compile(r".*/claim/[^/]+/$"))
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.locator("h1").inner_text() == BADGE_NAME
        assert page.get_by_role("heading", name="Obtenir mon badge").is_visible()
        screenshot(page, "claim-page")

        # 2. « Créer un nouveau compte », accepting the data-protection statement.
        page.get_by_role("link", name="Créer un nouveau compte").click()
        page.wait_for_url(re.compile(r".*/accounts/signup/\?next=.*"))
        sign_up_filled(page, email=PARTICIPANT, password=PASSWORD, first_name="Claire", last_name="Martin")
        assert page.get_by_label(
            "J’ai lu et j’accepte cette Déclaration de protection des données"
        ).is_checked()
        screenshot(page, "signup-with-consent")
        page.locator("form button[type=submit]").click()

        # 3. Back to her badge, waiting for her (the link in the e-mail verified her address): accept it.
        page.wait_for_url(re.compile(r".*/claim/[^/]+/$"))
        screenshot(page, "badge-waiting")
        page.get_by_role("button", name="Accepter ce badge").click()
        page.wait_for_url(re.compile(r".*/backpack/badges/[\w-]+/$"))
        assert page.get_by_role("status").filter(has_text="Badge accepté").is_visible()
        assert page.locator("h1").inner_text() == BADGE_NAME
        screenshot(page, "badge-accepted")

        # 4. « Visibilité du badge » : « Public », and her name shown to others.
        visibility = page.locator("#visibility")
        assert visibility.get_by_role("heading", name="Visibilité du badge").is_visible()
        visibility.get_by_label("Public", exact=True).check()
        visibility.get_by_role("button", name="Enregistrer la visibilité").click()
        page.wait_for_url(re.compile(r".*/backpack/badges/[\w-]+/.*"))
        assert page.locator("#visibility").get_by_label("Public", exact=True).is_checked()
        name_form = page.locator("form[action$='/earner-name/']")
        name_form.get_by_label("Affiché", exact=True).check()
        name_form.get_by_role("button", name="Enregistrer").click()
        page.wait_for_load_state()
        assert page.locator("form[action$='/earner-name/']").get_by_label("Affiché", exact=True).is_checked()
        # From her badge, a way to the others who hold it (the tutorial goes there through the gallery).
        all_recipients = page.get_by_role("link", name=french("See all recipients of this badge"))
        gallery_page = all_recipients.get_attribute("href")
        screenshot(page, "badge-public")

        # 5. « GALERIE », advanced search, « Émetteur » : Amcsti.
        page.get_by_role("navigation").get_by_role("link", name="Galerie").click()
        page.wait_for_url(re.compile(r".*/gallery/$"))
        cards = page.locator("ol.cards li.card")
        assert sorted(cards.locator("strong").all_inner_texts()) == ["Atelier fablab", BADGE_NAME]
        page.get_by_text("Recherche avancée").click()
        page.get_by_label("Émetteur", exact=True).fill("Amcsti")
        screenshot(page, "gallery-advanced-search")
        page.get_by_role("button", name="Rechercher").click()
        page.wait_for_url(re.compile(r".*/gallery/\?.*issuer=Amcsti"))
        assert cards.locator("strong").all_inner_texts() == [BADGE_NAME]
        assert "3 bénéficiaires publics" in cards.inner_text()
        screenshot(page, "gallery-found")

        # 6. The badge: « TOUS LES BÉNÉFICIAIRES », herself among them.
        cards.get_by_role("link").click()
        page.wait_for_url(f"{base}{gallery_page}")
        assert page.locator("h1").inner_text() == BADGE_NAME
        assert "Émis par Amcsti" in page.inner_text(".badge-head")
        assert page.get_by_role("heading", name=french("All recipients")).is_visible()
        assert "3 bénéficiaires publics" in page.inner_text("main")
        names = [re.split(r"\s·", text)[0] for text in page.locator("ul.recipients li").all_inner_texts()]
        assert sorted(names) == ["Benjamin Crettenand", "Claire Martin", "Didier Michel"]
        screenshot(page, "all-recipients")

        # 7. « Suivre ce badge ».
        with page.expect_navigation():
            page.get_by_role("button", name="Suivre ce badge").click()
        assert page.locator("#follow").get_by_role("button", name="Ne plus suivre").is_visible()
        screenshot(page, "badge-followed")

    claire = BackpackBadge.objects.get(owner__email=PARTICIPANT)
    assert (claire.visibility, claire.earner_name) == ("public", EarnerName.SHOWN)
    assert BadgeClassFollow.objects.filter(user=claire.owner).exists()
