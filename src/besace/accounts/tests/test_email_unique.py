"""A verified address belongs to one account only.

Adding an address someone else has: allauth sends the code anyway (saying "taken" before would tell
anyone which addresses have accounts), and the answer comes once the code proves control of the mailbox.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from besace.accounts.tests.helpers import actions_for, last_code

User = get_user_model()


@pytest.fixture
def ada(client, make_user):
    user = make_user("ada@example.org")
    client.force_login(user)
    return user


def _add_with_code(client, mailoutbox, email: str):
    client.post("/accounts/email/", {"email": email, "action_add": ""})
    return client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, email.lower())})


def test_it_refuses_an_address_verified_by_another_account_after_the_code(client, ada, make_user, mailoutbox):
    bob = make_user("bob@example.org")

    response = _add_with_code(client, mailoutbox, "BOB@example.org")

    assert response.status_code == 200
    assert "The address bob@example.org already belongs to another account." in response.content.decode()
    assert list(EmailAddress.objects.filter(email="bob@example.org").values_list("user", "verified")) == [
        (bob.pk, True)
    ]
    assert not EmailAddress.objects.filter(user=ada, email="bob@example.org").exists()
    assert "account.email.added" not in actions_for(ada)


def test_it_gives_an_unconfirmed_signup_address_to_whoever_proves_it(client, ada, make_user, mailoutbox):
    # Someone signed up with the address and never entered the code: that account could never sign in.
    abandoned = make_user("bob@example.org", verified=False)

    _add_with_code(client, mailoutbox, "bob@example.org")

    assert EmailAddress.objects.get(email="bob@example.org").user == ada
    assert EmailAddress.objects.get(email="bob@example.org").verified
    assert not User.objects.filter(pk=abandoned.pk).exists()
    assert actions_for(abandoned) == ["account.consent.accepted", "account.unconfirmed_signup.deleted"]


def test_it_moves_another_account_off_an_address_it_never_verified(client, ada, make_user, mailoutbox):
    bob = make_user("bob@example.org", verified=False)
    EmailAddress.objects.create(user=bob, email="bob@work.example", verified=True)

    _add_with_code(client, mailoutbox, "bob@example.org")

    bob.refresh_from_db()
    assert bob.email == "bob@work.example"
    assert list(EmailAddress.objects.filter(user=bob).values_list("email", "primary")) == [
        ("bob@work.example", True)
    ]
    assert EmailAddress.objects.get(email="bob@example.org").user == ada
    # ada can make it her primary address: no other account keeps it as its own.
    client.post("/accounts/email/", {"email": "bob@example.org", "action_primary": ""})
    ada.refresh_from_db()
    assert ada.email == "bob@example.org"


def test_it_refuses_the_only_address_of_an_account_in_use(client, ada, make_user, mailoutbox):
    bob = make_user("bob@example.org", verified=False)
    bob.last_login = timezone.now()
    bob.save()

    response = _add_with_code(client, mailoutbox, "bob@example.org")

    assert "The address bob@example.org is the only address of another account." in response.content.decode()
    assert EmailAddress.objects.get(email="bob@example.org").user == bob


def test_it_lets_the_refused_person_try_no_more_than_the_attempts_allow(client, ada, make_user, mailoutbox):
    make_user("bob@example.org")
    _add_with_code(client, mailoutbox, "bob@example.org")
    code = last_code(mailoutbox, "bob@example.org")

    client.post("/accounts/confirm-email/", {"code": code})
    response = client.post("/accounts/confirm-email/", {"code": code})

    # allauth counts a refused right code as a failed attempt: the third ends the flow.
    assert response.status_code == 302 and response.url == "/accounts/email/"
    assert not EmailAddress.objects.filter(user=ada, email="bob@example.org").exists()
