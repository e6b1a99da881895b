"""The data-protection statement: accepted at sign-up; asked again when its version changes."""

import pytest
from django.utils import timezone

from besace.accounts.models import DataProtectionConsent
from besace.accounts.tests.helpers import actions_for


@pytest.fixture
def ada(client, make_user):
    user = make_user("ada@example.org", consent=False)
    client.force_login(user)
    return user


def test_it_sends_an_account_without_consent_to_the_statement_first(client, ada):
    response = client.get("/backpack/?tab=pending")

    assert response.status_code == 302
    assert response.url == "/accounts/consent/?next=%2Fbackpack%2F%3Ftab%3Dpending"


@pytest.mark.parametrize(
    "path", ["/accounts/email/", "/accounts/data-protection/", "/accounts/consent/", "/accounts/logout/"]
)
def test_it_lets_the_account_pages_through_without_consent(client, ada, path):
    assert client.get(path).status_code == 200


def test_it_leaves_anonymous_visitors_alone(client, db):
    assert client.get("/").status_code == 200


def test_it_shows_the_statement_and_a_checkbox(client, ada):
    page = client.get("/accounts/consent/?next=/backpack/").content.decode()

    assert "Besace stores your name" in page
    assert 'type="checkbox" name="accept_data_protection"' in page
    assert 'name="next" value="/backpack/"' in page


def test_it_records_the_version_and_the_date_and_goes_on(client, ada, settings):
    before = timezone.now()

    response = client.post("/accounts/consent/", {"accept_data_protection": "on", "next": "/backpack/"})

    assert response.url == "/backpack/"
    consent = DataProtectionConsent.objects.get(user=ada)
    assert consent.version == settings.BESACE_DATA_PROTECTION_VERSION
    assert before <= consent.accepted_at <= timezone.now()
    assert actions_for(ada) == ["account.consent.accepted"]
    assert client.get("/backpack/").status_code == 200


def test_it_insists_when_the_box_is_not_ticked(client, ada):
    response = client.post("/accounts/consent/", {"next": "/backpack/"})

    assert response.status_code == 200
    assert "You must accept the data-protection statement to continue." in response.content.decode()
    assert not DataProtectionConsent.objects.exists()
    assert client.get("/backpack/").status_code == 302


def test_it_asks_again_when_the_statement_changes(client, make_user, settings):
    ada = make_user("ada@example.org")  # accepted the current version
    client.force_login(ada)
    assert client.get("/backpack/").status_code == 200  # and the session remembers that
    first_version = settings.BESACE_DATA_PROTECTION_VERSION

    settings.BESACE_DATA_PROTECTION_VERSION = "2099-01-01"

    assert client.get("/backpack/").url.startswith("/accounts/consent/")
    client.post("/accounts/consent/", {"accept_data_protection": "on", "next": "/backpack/"})
    assert sorted(ada.consents.values_list("version", flat=True)) == sorted([first_version, "2099-01-01"])
    assert client.get("/backpack/").status_code == 200


def test_it_accepts_once_per_version(client, make_user):
    ada = make_user("ada@example.org")
    client.force_login(ada)

    client.post("/accounts/consent/", {"accept_data_protection": "on"})

    assert ada.consents.count() == 1
    assert actions_for(ada).count("account.consent.accepted") == 1


def test_it_never_goes_on_to_another_site(client, ada):
    response = client.post(
        "/accounts/consent/", {"accept_data_protection": "on", "next": "https://evil.example/"}
    )

    assert response.url == "/"


def test_it_needs_a_signed_in_person(client, db):
    response = client.get("/accounts/consent/")

    assert response.url.startswith("/accounts/login/")
