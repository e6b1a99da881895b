"""In a real browser, in French: the "conference participant" journey of the seed tutorial
(/work/shared/seeds/tutorial-obtain-share-first-badge.fr.txt). Earners made their Amcsti badge public;
one of them signs in, opens the gallery, finds the badge with the advanced search by issuer, sees all its
public recipients, follows the badge and comments on it; a visitor who is not signed in reads the comment
but cannot follow or comment, and never sees those who kept their badge to themselves."""

import re

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import ngettext

from besace.backpack import services as backpack_services
from besace.backpack.models import EarnerName
from besace.demo.images import badge_png
from besace.gallery.keys import achievement_id, badge_class_key
from besace.issuing import services as issuing_services
from besace.social.models import BadgeClassFollow, Comment
from besace.testing.browser import BROWSER_TEST, SCREENSHOTS, chromium, french

pytestmark = BROWSER_TEST

PASSWORD = "congres amcsti 2019"
BADGE_NAME = "Je participe au congrès de l'Amcsti 2019"
COMMENT = "Ravie d'avoir rencontré tout le monde à Caen !"


def french_count(singular: str, plural: str, number: int) -> str:
    with translation.override("fr"):
        return ngettext(singular, plural, number) % {"counter": number}


@pytest.fixture
def base_url(settings, live_server) -> str:
    """Set before any badge is awarded: badges and the gallery's index carry absolute URLs."""
    settings.BESACE_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def congress(base_url, issuer, owner, badge_class):
    """The Amcsti's participation badge and, to be told apart by the search, another issuer's badge."""
    issuer.name = "Amcsti"
    issuer.save(update_fields=["name"])
    badge_class.name = BADGE_NAME
    badge_class.description = (
        "Un badge d'expérience qui reconnaît la participation au 37e congrès de l'Amcsti."
    )
    badge_class.criteria_text = "Avoir participé au congrès, à Caen, du 3 au 5 juillet 2019."
    badge_class.save(update_fields=["name", "description", "criteria_text"])
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
    return badge_class, workshop


@pytest.fixture
def holders(make_user, award, congress, public_profile):
    """Earners of the congress badge, as each chose to show it (and one of the other badge)."""
    participation, workshop = congress

    def hold(email, first, last, visibility, earner_name=EarnerName.HIDDEN, badge=participation):
        user = make_user(email, password=PASSWORD)
        user.first_name, user.last_name = first, last
        user.save()
        entry = backpack_services.assertion_accept(assertion=award(email, badge_class=badge), user=user)
        entry.visibility, entry.earner_name = visibility, earner_name
        entry.save(update_fields=["visibility", "earner_name"])
        return user

    people = {
        "lea": hold("lea@example.org", "Léa", "Rousseau", "public", EarnerName.SHOWN),
        "benjamin": hold("benjamin@example.org", "Benjamin", "Crettenand", "public", EarnerName.SHOWN),
        "didier": hold("didier@example.org", "Didier", "Michel", "public", EarnerName.LINKED),
        "discreet": hold("discret@example.org", "Camille", "Discrète", "public"),  # public, name hidden
        "private": hold("prive@example.org", "Paul", "Privé", "private", EarnerName.SHOWN),
        "members": hold("membres@example.org", "Sophie", "Membres", "signed_in", EarnerName.SHOWN),
        "fablab": hold("fablab@example.org", "Hugo", "Fablab", "public", EarnerName.SHOWN, badge=workshop),
    }
    public_profile(people["didier"])
    return people


def test_a_congress_participant_finds_all_recipients_follows_and_comments(
    transactional_db, base_url, holders
):
    base = base_url
    SCREENSHOTS.mkdir(exist_ok=True)
    lea = holders["lea"]
    key = badge_class_key(achievement_id(lea.backpack_badges.get()))
    didier_profile = f"/people/{holders['didier'].profile.slug}/"

    # No ORM call inside the block: Playwright's greenlet would open a second database connection.
    with chromium() as browser:
        page = browser.new_context(locale="fr-FR").new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{base}/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.fill("input[name=login]", "lea@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(re.compile(r".*/backpack/$"))
        assert page.get_by_role("link", name="Mes badges").first.is_visible()  # French, already translated

        # « GALERIE », then « Afficher la recherche avancée » and the issuer « Amcsti ».
        page.get_by_role("navigation").get_by_role("link", name=french("Gallery")).click()
        page.wait_for_url(re.compile(r".*/gallery/$"))
        cards = page.locator("ol.cards li.card")
        assert sorted(cards.locator("strong").all_inner_texts()) == ["Atelier fablab", BADGE_NAME]
        page.click("details.gallery-advanced summary")
        page.get_by_label(french("Issuer"), exact=True).fill("Amcsti")
        page.screenshot(path=SCREENSHOTS / "gallery-1-advanced-search.png", full_page=True)
        page.get_by_role("button", name=french("Search")).click()
        page.wait_for_url(re.compile(r".*/gallery/\?.*issuer=Amcsti"))
        assert cards.locator("strong").all_inner_texts() == [BADGE_NAME]
        assert french_count("%(counter)s badge", "%(counter)s badges", 1) in page.inner_text("[role=status]")
        assert page.locator("details.gallery-advanced").get_attribute("open") is not None  # kept open
        page.screenshot(path=SCREENSHOTS / "gallery-2-found-by-issuer.png", full_page=True)

        # The badge: « TOUS LES BÉNÉFICIAIRES », those who show their name, and how many others.
        cards.get_by_role("link").click()
        page.wait_for_url(re.compile(rf".*/gallery/badges/{key}/$"))
        assert page.locator("h1").inner_text() == BADGE_NAME
        assert page.locator(".badge-head img").evaluate("image => image.complete && image.naturalWidth > 0")
        assert f"{french('Issued by')} Amcsti" in page.inner_text(".badge-head")
        public_count = french_count("%(counter)s public recipient", "%(counter)s public recipients", 4)
        assert page.get_by_role("heading", name=french("All recipients")).is_visible()
        assert public_count in page.inner_text("main")
        recipients = page.locator("ul.recipients li")
        assert [re.split(r"\s·", text)[0] for text in recipients.all_inner_texts()] == [
            "Léa Rousseau",
            "Benjamin Crettenand",
            "Didier Michel",
        ]
        profile = recipients.get_by_role("link", name="Didier Michel")
        assert profile.get_attribute("href") == didier_profile
        others = french_count(
            "and %(counter)s other recipient who does not show their name.",
            "and %(counter)s other recipients who do not show their name.",
            1,
        )
        assert others in page.inner_text("main")
        for hidden in ("Discrète", "Privé", "Membres", "Fablab"):
            assert hidden not in page.inner_text("main")
        page.screenshot(path=SCREENSHOTS / "gallery-3-all-recipients.png", full_page=True)

        # « Suivre ce badge », then a comment, as one who holds it.
        with page.expect_navigation():
            page.get_by_role("button", name=french("Follow this badge")).click()
        assert page.url.startswith(f"{base}/gallery/badges/{key}/")
        assert page.locator("#follow").get_by_role("button", name=french("Unfollow")).is_visible()
        page.get_by_label(french("Your comment (Markdown allowed)")).fill(COMMENT)
        page.locator("#comments").get_by_role("button", name=french("Comment"), exact=True).click()
        comment = page.locator("#comments article.comment")
        comment.wait_for()
        assert comment.locator("div").inner_text() == COMMENT
        assert "Léa Rousseau" in comment.locator("p.muted").inner_text()
        page.screenshot(path=SCREENSHOTS / "gallery-4-followed-and-commented.png", full_page=True)

        # A visitor who is not signed in: the comment, no follow or comment form, no private holder.
        visitor = browser.new_context(locale="fr-FR").new_page()
        visitor.set_default_timeout(10_000)
        visitor.goto(f"{base}/gallery/badges/{key}/")
        assert visitor.locator("#comments article.comment div").inner_text() == COMMENT
        assert visitor.locator("#follow form, #comments form, #comment-text").count() == 0
        assert visitor.locator("#follow").get_by_role("link", name="Connexion").is_visible()
        assert public_count in visitor.inner_text("main")
        assert visitor.locator("ul.recipients li").count() == 3
        for hidden in ("Discrète", "Privé", "Membres", "prive@example.org", "membres@example.org"):
            assert hidden not in visitor.content()
        visitor.screenshot(path=SCREENSHOTS / "gallery-5-anonymous-visitor.png", full_page=True)

        # Each name leads to that earner's public badge page.
        visitor.locator("ul.recipients li").nth(1).get_by_role("link").click()
        visitor.wait_for_url(re.compile(r".*/badges/[\w-]+/$"))
        assert visitor.locator("h1").inner_text() == BADGE_NAME
        assert "Benjamin Crettenand" in visitor.inner_text("main")

    assert BadgeClassFollow.objects.filter(user=lea, badge_class_key=key).exists()
    assert Comment.objects.get(badge_class_key=key).author == lea
