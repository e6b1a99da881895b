"""The account pages (ours, and allauth's and allauth.mfa's through our templates) read all French in French:
no sentence of their English rendering is left."""

import pytest
from django.urls import reverse

from besace.testing.i18n import english_left

VISITOR_PAGES = ["account_login", "account_signup", "account_reset_password"]
SIGNED_IN_PAGES = [
    "account_email",
    "account_change_password",
    "mfa_index",
    "account_reauthenticate",
    "accounts:security",
    "accounts:merge",
    "accounts:delete",
    "socialaccount_connections",
]


def _both(client, url: str) -> tuple[str, str]:
    french, english = (
        client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode() for language in ("fr", "en")
    )
    assert '<html lang="fr">' in french and '<html lang="en">' in english
    return french, english


@pytest.mark.parametrize("name", VISITOR_PAGES)
def test_visitor_pages_have_no_english_left(client, db, name):
    french, english = _both(client, reverse(name))
    assert english_left(french=french, english=english) == []


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_account_pages_have_no_english_left(login, make_user, name):
    client = login(make_user("ada@example.org"))
    french, english = _both(client, reverse(name))
    assert english_left(french=french, english=english) == []


def test_form_errors_are_in_french(client, make_user):
    make_user("taken@example.org")
    data = {"email": "not an address", "password1": "short", "password2": "other"}
    french, english = (
        client.post(reverse("account_signup"), data, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for language in ("fr", "en")
    )
    assert "Saisissez une adresse e-mail valide." in french
    assert english_left(french=french, english=english) == []
