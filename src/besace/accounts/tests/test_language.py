"""French or English: from the browser, switchable, remembered on the account."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from besace.accounts.tests.helpers import PASSWORD, actions_for, messages_of

User = get_user_model()


def _language_of(response) -> str:
    return response["Content-Language"]


def test_it_speaks_the_browser_language(client, db):
    response = client.get("/accounts/login/", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})

    assert _language_of(response) == "fr"
    assert '<html lang="fr">' in response.content.decode()
    assert "Connexion" in response.content.decode()  # allauth's own French


def test_it_falls_back_to_english_for_other_browser_languages(client, db):
    response = client.get("/accounts/login/", headers={"accept-language": "de"})

    assert _language_of(response) == "en"


def test_it_switches_language_for_an_anonymous_visitor_with_a_cookie(client, db):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})

    assert response.url == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert _language_of(client.get("/accounts/login/", headers={"accept-language": "en"})) == "fr"


def test_it_remembers_the_switch_on_the_account_and_audits_it(client, make_user):
    ada = make_user("ada@example.org")
    client.force_login(ada)

    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    ada.refresh_from_db()
    assert ada.language == "fr"
    assert actions_for(ada)[-1] == "account.language.changed"


def test_it_speaks_the_account_language_whatever_the_browser_says(client, make_user):
    ada = make_user("ada@example.org", password=PASSWORD)
    ada.language = "fr"
    ada.save()

    # A new browser, in English: once signed in, the account's language wins.
    client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    response = client.get("/accounts/email/", headers={"accept-language": "en"})

    assert _language_of(response) == "fr"


def test_it_speaks_the_browser_language_to_an_account_without_one(client, make_user):
    client.force_login(make_user("ada@example.org"))

    response = client.get("/accounts/email/", headers={"accept-language": "fr"})

    assert _language_of(response) == "fr"


def test_it_saves_the_language_of_the_signup_page_on_the_new_account(client, db):
    client.post(
        "/accounts/signup/",
        {
            "email": "ada@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_data_protection": "on",
        },
        headers={"accept-language": "fr"},
    )

    assert User.objects.get(email="ada@example.org").language == "fr"


@pytest.mark.parametrize("bad", ["de", "", "xx-evil", "fr\n", "<script>", "f" * 500])
def test_it_ignores_an_unknown_language_code(client, make_user, bad):
    ada = make_user("ada@example.org")
    client.force_login(ada)

    response = client.post("/i18n/setlang/", {"language": bad, "next": "/accounts/email/"}, follow=True)

    assert response.redirect_chain == [("/accounts/email/", 302)]
    assert "This language is not available." in messages_of(response)
    ada.refresh_from_db()
    assert ada.language == ""
    assert "account.language.changed" not in actions_for(ada)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_it_does_not_redirect_to_another_site_after_switching(client, db):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://evil.example/"})

    assert response.url == "/"


def test_it_refuses_a_get_to_the_switch(client, make_user):
    ada = make_user("ada@example.org")
    client.force_login(ada)

    response = client.get("/i18n/setlang/", {"language": "fr"})

    assert response.status_code == 405
    ada.refresh_from_db()
    assert ada.language == ""


def test_it_does_not_audit_choosing_the_language_already_chosen(client, make_user):
    ada = make_user("ada@example.org")
    ada.language = "fr"
    ada.save()
    client.force_login(ada)

    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    assert "account.language.changed" not in actions_for(ada)
