"""allauth's pages look like the rest of the site: our header, a page title, labelled fields."""

import re

import pytest
from django.core.cache import cache

from besace.accounts.tests.helpers import PASSWORD


def _title(html: str) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/accounts/login/", "Sign In · Besace"),
        ("/accounts/signup/", "Signup · Besace"),
        ("/accounts/password/reset/", "Password Reset · Besace"),
    ],
)
def test_it_renders_the_entrance_pages_in_the_site_layout(client, db, path, title):
    html = client.get(path).content.decode()

    assert _title(html) == title
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert "/static/accounts/accounts.css" in html


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/accounts/email/", "Your e-mail addresses · Besace"),
        ("/accounts/password/change/", "Change Password · Besace"),
        ("/accounts/3rdparty/", "Account Connections · Besace"),
        ("/accounts/logout/", "Sign Out · Besace"),
    ],
)
def test_it_renders_the_account_pages_in_the_site_layout(client, make_user, path, title):
    client.force_login(make_user("ada@example.org"))

    html = client.get(path).content.decode()

    assert _title(html) == title
    assert 'class="site-header"' in html


def test_it_labels_every_field_of_the_login_form(client, db):
    html = client.get("/accounts/login/").content.decode()

    for field in ["id_login", "id_password", "id_remember"]:
        assert f'<label for="{field}">' in html


def test_it_puts_the_consent_box_before_its_label(client, db):
    html = client.get("/accounts/signup/").content.decode()

    box = html.index('name="accept_data_protection"')
    assert (
        box < html.index('<label for="id_accept_data_protection">') < html.index("/accounts/data-protection/")
    )


def test_it_shows_the_site_page_when_allauth_rate_limits(client, make_user):
    make_user("ada@example.org", password=PASSWORD)
    for _ in range(30):
        client.post("/accounts/login/", {"login": "ada@example.org", "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": "wrong"})

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()
    cache.clear()
