"""Adding an address from /accounts/email/: a 6-digit code is e-mailed; entering it adds the address."""

import re
import time

import pytest
from allauth.account.models import EmailAddress

from besace.accounts.tests.helpers import actions_for, last_code, messages_of


@pytest.fixture
def ada(client, make_user):
    user = make_user("ada@example.org")
    client.force_login(user)
    return user


def _add(client, email: str):
    return client.post("/accounts/email/", {"email": email, "action_add": ""})


def _addresses(user) -> list[tuple[str, bool, bool]]:
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))


def test_it_emails_a_six_digit_code_to_the_new_address(client, ada, mailoutbox):
    response = _add(client, "ada@work.example")

    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    assert mailoutbox[-1].to == ["ada@work.example"]
    code = client.session["account_email_verification_code"]["code"]
    assert re.fullmatch(r"\d{6}", code)
    assert re.search(rf"^{code}$", mailoutbox[-1].body, re.MULTILINE)


def test_it_adds_nothing_before_the_code_is_entered(client, ada, mailoutbox):
    _add(client, "ada@work.example")

    assert _addresses(ada) == [("ada@example.org", True, True)]


def test_it_adds_the_address_verified_with_the_right_code(client, ada, mailoutbox):
    _add(client, "Ada@Work.example")

    response = client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, "ada@work.example")})

    assert response.status_code == 302 and response.url == "/accounts/email/"
    assert _addresses(ada) == [("ada@example.org", True, True), ("ada@work.example", True, False)]
    assert actions_for(ada)[-2:] == ["account.email.added", "account.email.verified"]


def test_it_gives_a_form_error_for_a_wrong_code_and_changes_nothing(client, ada, mailoutbox):
    _add(client, "ada@work.example")
    wrong = "000000" if last_code(mailoutbox, "ada@work.example") != "000000" else "111111"

    response = client.post("/accounts/confirm-email/", {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert _addresses(ada) == [("ada@example.org", True, True)]
    # The right code still works afterwards.
    client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, "ada@work.example")})
    assert ("ada@work.example", True, False) in _addresses(ada)


@pytest.mark.parametrize(
    "garbage", ["", "12345", "1234567", "abcdef", "１２３４５６", "' OR 1=1 --", "x" * 5000]
)
def test_it_never_crashes_on_garbage_codes(client, ada, mailoutbox, garbage):
    _add(client, "ada@work.example")

    response = client.post("/accounts/confirm-email/", {"code": garbage})

    assert response.status_code == 200
    assert _addresses(ada) == [("ada@example.org", True, True)]


def test_it_stops_after_three_wrong_codes_with_a_clear_message(client, ada, mailoutbox):
    _add(client, "ada@work.example")
    right = last_code(mailoutbox, "ada@work.example")
    wrong = "000000" if right != "000000" else "111111"

    client.post("/accounts/confirm-email/", {"code": wrong})
    client.post("/accounts/confirm-email/", {"code": wrong})
    response = client.post("/accounts/confirm-email/", {"code": wrong}, follow=True)

    assert response.redirect_chain[0][0] == "/accounts/email/"
    assert messages_of(response) == [
        "Too many wrong codes, so the address was not added. Add it again to receive a new code."
    ]
    # The flow is over: even the right code does nothing now.
    late = client.post("/accounts/confirm-email/", {"code": right})
    assert late.status_code == 302 and late.url == "/accounts/email/"
    assert _addresses(ada) == [("ada@example.org", True, True)]


def test_it_refuses_an_expired_code_with_a_clear_message(client, ada, mailoutbox, monkeypatch):
    _add(client, "ada@work.example")
    code = last_code(mailoutbox, "ada@work.example")
    in_16_minutes = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: in_16_minutes)

    response = client.post("/accounts/confirm-email/", {"code": code}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/email/"
    assert "The code has expired, so the address was not added. Add it again to receive a new code." in (
        messages_of(response)
    )
    assert _addresses(ada) == [("ada@example.org", True, True)]


def test_it_accepts_the_code_just_before_it_expires(client, ada, mailoutbox, monkeypatch):
    _add(client, "ada@work.example")
    code = last_code(mailoutbox, "ada@work.example")
    in_14_minutes = time.time() + 14 * 60
    monkeypatch.setattr(time, "time", lambda: in_14_minutes)

    client.post("/accounts/confirm-email/", {"code": code})

    assert ("ada@work.example", True, False) in _addresses(ada)


def test_it_refuses_an_address_already_on_the_account(client, ada, mailoutbox):
    response = _add(client, "ADA@example.org")

    assert response.status_code == 200
    assert "This email address is already associated with this account." in response.content.decode()
    assert mailoutbox == []


def test_it_refuses_an_address_that_is_not_one(client, ada, mailoutbox):
    response = _add(client, "not an address")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mailoutbox == []


def test_it_sends_a_new_code_to_an_unverified_address_of_the_account(client, make_user, mailoutbox):
    user = make_user("ada@example.org")
    EmailAddress.objects.create(user=user, email="ada@old.example", verified=False)
    client.force_login(user)

    response = client.post("/accounts/email/", {"email": "ada@old.example", "action_send": ""})

    assert response.url == "/accounts/confirm-email/"
    client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, "ada@old.example")})
    assert EmailAddress.objects.get(email="ada@old.example").verified
    assert actions_for(user)[-1] == "account.email.verified"


def test_it_takes_the_user_to_the_code_page_that_names_the_address(client, ada, mailoutbox):
    response = _add(client, "ada@work.example")

    page = client.get(response.url).content.decode()
    assert "<strong>ada@work.example</strong>" in page
    assert 'href="/accounts/email/"' in page  # Cancel goes back to the addresses
