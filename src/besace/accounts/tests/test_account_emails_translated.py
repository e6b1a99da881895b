"""Account e-mails (allauth's, and the merge code) are written in the recipient's language, all of it: the
language of their account, whatever the language of the browser that made Besace send them; for an address
without an account, the language of the page that sent it."""

import pytest
from django.core.cache import cache

from besace.accounts.merge import _code_mail
from besace.accounts.tests.helpers import PASSWORD
from besace.testing.i18n import email_texts, english_left


def _all_french(french, english) -> None:
    assert french.extra_headers["Content-Language"] == "fr"
    assert english.extra_headers["Content-Language"] == "en"
    for french_text, english_text in zip(email_texts(french), email_texts(english), strict=True):
        assert english_left(french=french_text, english=english_text) == []
        assert french_text != english_text


def _sent(client, mailoutbox, path: str, data: dict, *, browser: str):
    cache.clear()  # allauth's rate limits: one e-mail per address every few seconds
    mailoutbox.clear()
    client.cookies.clear()  # a new visitor: a sign-up waiting for its code would stop the next one
    client.post(path, data, HTTP_ACCEPT_LANGUAGE=browser)
    (message,) = mailoutbox
    return message


@pytest.fixture
def accounts(make_user):
    made = {}
    for language in ("fr", "en"):
        made[language] = make_user(f"{language}@example.org")
        made[language].language = language
        made[language].save()
    return made


def test_the_password_reset_email_is_in_the_accounts_language_not_the_browsers(client, accounts, mailoutbox):
    french, english = (
        _sent(
            client,
            mailoutbox,
            "/accounts/password/reset/",
            {"email": f"{language}@example.org"},
            browser=browser,
        )
        for language, browser in (("fr", "en"), ("en", "fr"))
    )
    _all_french(french, english)
    assert french.subject == "[Besace] E-mail de réinitialisation de mot de passe"


def test_an_address_without_account_is_answered_in_the_pages_language(client, db, mailoutbox):
    french, english = (
        _sent(
            client, mailoutbox, "/accounts/password/reset/", {"email": "nobody@example.org"}, browser=language
        )
        for language in ("fr", "en")
    )
    _all_french(french, english)


def test_the_sign_up_code_is_in_the_language_of_the_sign_up_page(client, db, mailoutbox):
    messages = []
    for language in ("fr", "en"):
        data = {
            "email": f"new-{language}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_data_protection": "on",
        }
        messages.append(_sent(client, mailoutbox, "/accounts/signup/", data, browser=language))
    _all_french(*messages)


def test_signing_up_with_a_taken_address_warns_its_owner_in_their_language(client, accounts, mailoutbox):
    messages = []
    for language in ("fr", "en"):
        data = {
            "email": f"{language}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_data_protection": "on",
        }
        messages.append(
            _sent(client, mailoutbox, "/accounts/signup/", data, browser="en" if language == "fr" else "fr")
        )
    _all_french(*messages)


def test_the_merge_code_email_is_in_the_accounts_language(accounts, make_user, mailoutbox):
    into = make_user("main@example.org")
    for language in ("fr", "en"):
        _code_mail(accounts[language], "123456", into=into)
    _all_french(*mailoutbox)
