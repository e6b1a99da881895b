"""The addresses page: choose the primary address, remove one; bad posts change nothing."""

import pytest
from allauth.account.models import EmailAddress

from besace.accounts.tests.helpers import actions_for, messages_of


@pytest.fixture
def ada(client, make_user):
    user = make_user("ada@example.org")
    EmailAddress.objects.create(user=user, email="ada@work.example", verified=True)
    EmailAddress.objects.create(user=user, email="ada@old.example", verified=False)
    client.force_login(user)
    return user


def _addresses(user):
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))


def test_it_lists_every_address_with_its_state_and_its_own_buttons(client, ada):
    page = client.get("/accounts/email/").content.decode()

    for email in ["ada@example.org", "ada@work.example", "ada@old.example"]:
        assert f'<input type="hidden" name="email" value="{email}">' in page
    assert page.count('name="action_primary"') == 1  # only the verified, non-primary address
    assert page.count('name="action_remove"') == 2  # never the primary address
    assert page.count('name="action_send"') == 1  # only the unverified address
    assert "Not verified" in page and "Primary" in page
    assert "6-digit code" in page


def test_it_makes_a_verified_address_primary_and_audits_it(client, ada):
    response = client.post(
        "/accounts/email/", {"email": "ada@work.example", "action_primary": ""}, follow=True
    )

    ada.refresh_from_db()
    assert ada.email == "ada@work.example"
    assert ("ada@work.example", True, True) in _addresses(ada)
    assert ("ada@example.org", True, False) in _addresses(ada)
    assert "Primary email address set." in messages_of(response)
    assert actions_for(ada)[-1] == "account.email.primary_changed"


def test_it_refuses_to_make_an_unverified_address_primary(client, ada):
    response = client.post(
        "/accounts/email/", {"email": "ada@old.example", "action_primary": ""}, follow=True
    )

    ada.refresh_from_db()
    assert ada.email == "ada@example.org"
    assert "Your primary email address must be verified." in messages_of(response)


def test_it_removes_an_address_and_audits_it(client, ada):
    response = client.post(
        "/accounts/email/", {"email": "ada@work.example", "action_remove": ""}, follow=True
    )

    assert [e for e, *_ in _addresses(ada)] == ["ada@example.org", "ada@old.example"]
    assert "Removed email address ada@work.example." in messages_of(response)
    assert actions_for(ada)[-1] == "account.email.removed"


def test_it_refuses_to_remove_the_primary_address(client, ada):
    response = client.post("/accounts/email/", {"email": "ada@example.org", "action_remove": ""}, follow=True)

    assert len(_addresses(ada)) == 3
    assert any("cannot remove your primary" in m for m in messages_of(response))


def test_it_refuses_to_remove_the_last_address(client, make_user):
    user = make_user("solo@example.org")
    client.force_login(user)

    client.post("/accounts/email/", {"email": "solo@example.org", "action_remove": ""})

    assert EmailAddress.objects.filter(user=user).count() == 1


def test_it_ignores_the_address_of_another_account(client, ada, make_user):
    other = make_user("bob@example.org")

    for action in ["action_remove", "action_primary", "action_send"]:
        response = client.post("/accounts/email/", {"email": "bob@example.org", action: ""})
        assert response.status_code == 302

    assert EmailAddress.objects.filter(user=other).count() == 1
    ada.refresh_from_db()
    assert ada.email == "ada@example.org"


@pytest.mark.parametrize("email", ["", "not an address", "ADA@WORK.EXAMPLE ", "x" * 400 + "@example.org"])
def test_it_never_crashes_on_odd_posts(client, ada, email):
    before = _addresses(ada)

    for action in ["action_remove", "action_primary", "action_send", "nothing"]:
        response = client.post("/accounts/email/", {"email": email, action: ""})
        assert response.status_code in (200, 302)

    assert _addresses(ada) == before


def test_it_needs_a_signed_in_person(client, db):
    response = client.get("/accounts/email/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
