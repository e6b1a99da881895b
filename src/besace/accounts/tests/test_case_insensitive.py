"""Addresses match whatever their case, everywhere: accounts, e-mail addresses, logins."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError

from besace.accounts.services import user_for_verified_email, verified_emails
from besace.accounts.tests.helpers import PASSWORD

User = get_user_model()


def test_it_stores_account_addresses_in_lower_case(db):
    user = User.objects.create_user(email="  Ada@Example.ORG ", password=PASSWORD)

    user.refresh_from_db()
    assert user.email == "ada@example.org"


def test_it_keeps_them_in_lower_case_when_changed(make_user):
    user = make_user("ada@example.org")

    user.email = "Ada.Lovelace@Example.org"
    user.save()

    user.refresh_from_db()
    assert user.email == "ada.lovelace@example.org"


def test_it_refuses_a_second_account_for_the_same_address_in_another_case(make_user):
    make_user("ada@example.org")

    with pytest.raises(IntegrityError):
        User.objects.create_user(email="ADA@example.org")


def test_it_lets_django_own_login_ignore_the_case(make_user):
    # The admin signs in with Django's ModelBackend, by natural key.
    user = make_user("ada@example.org", password=PASSWORD)

    assert authenticate(username="ADA@Example.org", password=PASSWORD) == user


def test_it_stores_signed_up_addresses_in_lower_case(signup):
    signup("Ada@Example.ORG")

    assert User.objects.get().email == "ada@example.org"
    assert EmailAddress.objects.get().email == "ada@example.org"


def test_it_finds_verified_addresses_whatever_their_case(make_user):
    user = make_user("ada@example.org")
    EmailAddress.objects.create(user=user, email="Ada@Work.Example", verified=True)  # written by hand

    assert user_for_verified_email("ADA@work.example") == user
    assert sorted(verified_emails(user)) == ["ada@example.org", "ada@work.example"]


def test_it_finds_no_one_for_an_unverified_address(make_user):
    make_user("ada@example.org", verified=False)

    assert user_for_verified_email("ada@example.org") is None
