"""The main pages read all French in French: no sentence of their English rendering is left (names and
what people typed aside)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

import besace
from besace.backpack.services import assertion_accept
from besace.gallery.keys import badge_class_key
from besace.testing.i18n import english_left


def _pages(issuer, badge_class, entry) -> dict[str, str]:
    return {
        "backpack": reverse("backpack:home"),
        "badge in the backpack": reverse("backpack:badge", args=[entry.public_id]),
        "import": reverse("backpack:import"),
        "batch import": reverse("backpack:batch_import"),
        "issuers": reverse("issuing:issuers"),
        "issuer": reverse("issuing:issuer", args=[issuer.public_id]),
        "badge class": reverse("issuing:badgeclass", args=[badge_class.public_id]),
        "award": reverse("issuing:award", args=[badge_class.public_id]),
        "award from a CSV file": reverse("issuing:award_csv", args=[badge_class.public_id]),
        "gallery": reverse("gallery:badges"),
        "gallery badge": reverse("gallery:badge_class", args=[badge_class_key(badge_class.public_url)]),
        "gallery pages": reverse("gallery:pages"),
        "gallery profiles": reverse("gallery:profiles"),
        "connections": reverse("social:connections"),
        "notification settings": reverse("social:settings"),
        "my pages": reverse("pages:list"),
        "new page": reverse("pages:new"),
        "profile settings": reverse("profiles:settings"),
        "verify": reverse("verify"),
        "help": reverse("help:index"),
        "data protection": reverse("accounts:data_protection"),
    }


@pytest.fixture
def signed_in(login, owner, award):
    assertion = award(owner.email)
    return login(owner), assertion_accept(assertion=assertion, user=owner)


def test_the_main_pages_have_no_english_left_in_french(signed_in, issuer, badge_class):
    client, entry = signed_in
    left = {}
    for page, url in _pages(issuer, badge_class, entry).items():
        french, english = (
            client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode() for language in ("fr", "en")
        )
        assert '<html lang="fr">' in french, page
        typed = (badge_class.description, badge_class.criteria_text, issuer.description)
        if found := english_left(french=french, english=english, typed=typed):
            left[page] = found
    assert left == {}


def test_the_check_finds_a_sentence_left_in_english():
    english = "<p>Hello Ada,</p><p>Scan the code to verify this badge.</p><p>Université Test, Paris</p>"
    french = "<p>Bonjour Ada,</p><p>Scan the code to verify this badge.</p><p>Université Test, Paris</p>"
    assert english_left(french=french, english=english) == ["Scan the code to verify this badge."]
    typed = ("Scan the code to verify this badge.",)
    assert english_left(french=french, english=english, typed=typed) == []


def test_static_scripts_take_their_words_from_the_page():
    """Scripts are static files, never translated: the words they show come from the page, translated,
    through data attributes (as batch_import.js and share.js do)."""
    words_written = re.compile(
        r"""(textContent|innerText|innerHTML|title|placeholder|alt|ariaLabel)\s*=\s*["'`][^"'`]*[A-Za-z]"""
        r"""|\b(alert|confirm|prompt)\(\s*["'`]|setAttribute\(\s*["'](aria-label|title|alt)["']\s*,\s*["'`]"""
    )
    scripts = sorted(Path(besace.__file__).parent.glob("*/static/**/*.js"))
    assert scripts
    assert {str(script): words_written.findall(script.read_text()) for script in scripts} == {
        str(script): [] for script in scripts
    }
