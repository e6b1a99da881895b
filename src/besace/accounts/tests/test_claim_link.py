"""A claim link proves control of its address: a sign-up with that address needs no code, and a signed-in
person gets it added verified (services.email_address_verify_by_link, called by the backpack)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from besace.accounts.services import AddressTakenError, email_address_verify_by_link
from besace.accounts.tests.helpers import actions_for

User = get_user_model()


@pytest.fixture
def stash(client, db):
    """What the claim view does for an anonymous visitor."""

    def put(email: str):
        session = client.session
        session["account_verified_email"] = email
        session.save()

    return put


def test_it_signs_up_without_a_code_when_the_address_is_the_claimed_one(client, stash, signup, mailoutbox):
    stash("Earner@Example.org")

    response = signup("earner@example.ORG")

    user = User.objects.get(email="earner@example.org")
    assert response.status_code == 302 and response.url == "/backpack/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("earner@example.org", True, True)
    ]
    assert mailoutbox == []
    assert actions_for(user) == ["account.consent.accepted", "account.signed_up", "account.login.succeeded"]


def test_it_asks_for_a_code_when_the_address_is_another(client, stash, signup, mailoutbox):
    stash("earner@example.org")

    response = signup("someone.else@example.org")

    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert mailoutbox[-1].to == ["someone.else@example.org"]
    assert not EmailAddress.objects.get(email="someone.else@example.org").verified
    # allauth would have added the claimed address too, verified and primary, and skipped the code.
    assert not EmailAddress.objects.filter(email="earner@example.org").exists()
    assert "account_verified_email" not in client.session or not client.session["account_verified_email"]


def test_it_does_not_take_the_stash_for_proof_without_a_stash(client, signup, mailoutbox):
    response = signup("earner@example.org")

    assert response.url == "/accounts/confirm-email/"
    assert not EmailAddress.objects.get(email="earner@example.org").verified


def test_it_adds_the_claimed_address_verified_to_a_signed_in_account(make_user):
    ada = make_user("ada@example.org")

    address = email_address_verify_by_link(user=ada, email="Ada@Work.example")

    assert (address.email, address.verified, address.primary) == ("ada@work.example", True, False)
    assert actions_for(ada)[-2:] == ["account.email.added", "account.email.verified"]


def test_it_verifies_an_unverified_address_of_the_account(make_user):
    ada = make_user("ada@example.org")
    EmailAddress.objects.create(user=ada, email="ada@work.example", verified=False)

    email_address_verify_by_link(user=ada, email="ADA@work.example")

    assert EmailAddress.objects.get(email="ada@work.example").verified
    assert actions_for(ada)[-1] == "account.email.verified"


def test_it_changes_nothing_for_an_address_already_verified(make_user):
    ada = make_user("ada@example.org")
    before = actions_for(ada)

    email_address_verify_by_link(user=ada, email="ada@example.org")

    assert actions_for(ada) == before


def test_it_refuses_an_address_verified_by_another_account(make_user):
    ada = make_user("ada@example.org")
    make_user("bob@example.org")

    with pytest.raises(AddressTakenError, match="already belongs to another account"):
        email_address_verify_by_link(user=ada, email="BOB@example.org")

    assert not EmailAddress.objects.filter(user=ada, email="bob@example.org").exists()


def test_it_releases_an_unconfirmed_signup_and_lets_the_address_become_primary(client, make_user):
    ada = make_user("ada@example.org")
    make_user("earner@example.org", verified=False)

    email_address_verify_by_link(user=ada, email="earner@example.org")
    client.force_login(ada)
    client.post("/accounts/email/", {"email": "earner@example.org", "action_primary": ""})

    ada.refresh_from_db()
    assert ada.email == "earner@example.org"
    assert User.objects.filter(email="earner@example.org").count() == 1


def test_it_refuses_the_only_address_of_an_account_in_use(make_user):
    ada = make_user("ada@example.org")
    bob = make_user("bob@example.org", verified=False)
    bob.last_login = timezone.now()
    bob.save()

    with pytest.raises(AddressTakenError, match="only address of another account"):
        email_address_verify_by_link(user=ada, email="bob@example.org")


def test_it_compares_the_stashed_address_case_insensitively(rf):
    from besace.accounts.adapters import AccountAdapter

    request = rf.get("/")
    request.session = {"account_verified_email": "Earner@Example.org"}
    adapter = AccountAdapter(request)

    assert adapter.is_email_verified(request, "earner@example.ORG")
    assert not adapter.is_email_verified(request, "other@example.org")
    request.session = {}
    assert not adapter.is_email_verified(request, "earner@example.org")
