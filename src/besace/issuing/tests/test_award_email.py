"""The award e-mail: sent on commit, in the earner's or the awarder's language, with a claim link."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from besace.issuing.claims import claim_token_read
from besace.issuing.emails import award_email_message
from besace.issuing.models import Assertion
from besace.testing.i18n import email_texts, english_left


@pytest.fixture
def send_award(login, badge_class, django_capture_on_commit_callbacks, mailoutbox):
    """Award from the web page as `awarder_user`; returns the one e-mail sent."""

    def send(awarder_user, email="earner@example.org", **fields):
        data = {
            "email": email,
            "name": "",
            "narrative": "",
            "evidence_url": "",
            "evidence_narrative": "",
            "issued_on": "",
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            login(awarder_user).post(reverse("issuing:award", args=[badge_class.public_id]), data)
        assert len(mailoutbox) == 1
        return mailoutbox[0]

    return send


def _html(message) -> str:
    ((html, mime_type),) = message.alternatives
    assert mime_type == "text/html"
    return html


def test_it_sends_the_badge_image_what_it_certifies_and_a_claim_link(send_award, owner, badge_class):
    message = send_award(owner, "Camille@Example.org", name="Camille")
    assertion = Assertion.objects.get()
    assert message.to == ["camille@example.org"]
    assert badge_class.name in message.subject and badge_class.issuer.name in message.subject
    html = _html(message)
    assert f'src="{badge_class.image_url}"' in html
    assert badge_class.description in html and badge_class.description in message.body
    assert "Get my badge" in html and "Get my badge" in message.body
    assert "Hello Camille," in message.body
    (claim_link,) = set(re.findall(r"http://testserver/claim/[^/\s\"]+/", html))
    assert claim_link in message.body
    token = claim_link.rstrip("/").rsplit("/", 1)[1]
    assert claim_token_read(token, max_age_days=1) == assertion


def test_it_writes_in_the_awarders_language_when_the_earner_has_no_account(send_award, owner):
    owner.language = "fr"
    owner.save()
    message = send_award(owner)
    assert Assertion.objects.get().language == "fr"
    assert message.extra_headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in _html(message)


def test_it_writes_in_english_for_an_english_speaking_awarder(send_award, owner):
    owner.language = "en"
    owner.save()
    message = send_award(owner)
    assert message.extra_headers["Content-Language"] == "en"
    assert '<html lang="en">' in _html(message)


def test_it_prefers_the_language_of_the_earners_verified_account(send_award, owner, make_user):
    owner.language = "en"
    owner.save()
    earner = make_user("earner@example.org")
    earner.language = "fr"
    earner.save()
    assert send_award(owner, "EARNER@example.org").extra_headers["Content-Language"] == "fr"


def test_it_finds_the_earners_account_by_any_verified_address(send_award, owner, make_user):
    earner = make_user("personal@example.org")
    earner.language = "fr"
    earner.save()
    EmailAddress.objects.create(user=earner, email="student@univ.example", verified=True, primary=False)
    assert send_award(owner, "student@univ.example").extra_headers["Content-Language"] == "fr"


def test_it_ignores_an_account_that_has_not_verified_the_address(send_award, owner, make_user):
    owner.language = "en"
    owner.save()
    earner = make_user("earner@example.org", verified=False)
    earner.language = "fr"
    earner.save()
    assert send_award(owner).extra_headers["Content-Language"] == "en"


def test_it_writes_names_as_they_are_in_the_text_and_escapes_them_in_html(
    send_award, owner, badge_class, issuer
):
    issuer.name = "L'École & Co"
    issuer.save()
    badge_class.name = "Sécurité <web>\nniveau 2"
    badge_class.save()
    message = send_award(owner, name="Zoé O'Brien")
    assert message.subject == "L'École & Co awarded you the badge “Sécurité <web> niveau 2”"
    assert "Hello Zoé O'Brien," in message.body and "L'École & Co awarded you" in message.body
    html = _html(message)
    assert "Sécurité &lt;web&gt;" in html and "<web>" not in html


@pytest.mark.parametrize("name", ["Camille", ""])
def test_the_french_award_email_has_no_english_left(award, name):
    assertion = award("camille@example.org", name=name)
    rendered = {}
    for language in ("en", "fr"):
        Assertion.objects.filter(pk=assertion.pk).update(language=language)
        assertion.refresh_from_db()
        rendered[language] = email_texts(award_email_message(assertion))
    for french, english in zip(rendered["fr"], rendered["en"], strict=True):
        assert english_left(french=french, english=english) == []
    assert "Bonjour" in rendered["fr"][1] and "Hello" in rendered["en"][1]
