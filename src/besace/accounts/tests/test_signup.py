"""Sign-up with e-mail and password: the data-protection statement accepted, the address verified by code."""

import re

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from besace.accounts.models import DataProtectionConsent
from besace.accounts.tests.helpers import PASSWORD, actions_for, last_code, messages_of

User = get_user_model()


def test_it_shows_the_consent_checkbox_with_a_link_to_the_statement(client, db):
    page = client.get("/accounts/signup/").content.decode()

    assert 'type="checkbox" name="accept_data_protection"' in page
    assert 'href="/accounts/data-protection/"' in page
    assert re.search(r"<title>\s*Signup\s*· Besace</title>", page)  # allauth's page title, in ours


def test_it_refuses_a_signup_without_consent_and_creates_nothing(signup, mailoutbox):
    response = signup("ada@example.org", accept=False)

    assert response.status_code == 200
    assert "You must accept the data-protection statement to continue." in response.content.decode()
    assert not User.objects.exists()
    assert mailoutbox == []


def test_it_records_the_consent_version_and_date_at_signup(signup):
    signup("ada@example.org")

    consent = DataProtectionConsent.objects.get(user__email="ada@example.org")
    assert consent.version == settings.BESACE_DATA_PROTECTION_VERSION
    assert consent.accepted_at is not None


def test_it_emails_a_six_digit_code_and_waits_for_it(client, signup, mailoutbox):
    response = signup("ada@example.org")

    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    code = client.session["account_email_verification_code"]["code"]
    assert re.fullmatch(r"\d{6}", code)
    assert [m.to for m in mailoutbox] == [["ada@example.org"]]
    assert code in mailoutbox[0].body
    # Not signed in, and the address is not verified, until the code is entered.
    assert "_auth_user_id" not in client.session
    assert not EmailAddress.objects.get(email="ada@example.org").verified


def test_it_signs_in_once_the_code_is_entered(client, signup, mailoutbox):
    signup("ada@example.org", first_name="Ada", last_name="Lovelace")

    response = client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, "ada@example.org")})

    user = User.objects.get(email="ada@example.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert EmailAddress.objects.get(user=user).verified
    assert EmailAddress.objects.get(user=user).primary


def test_it_audits_the_signup_the_consent_and_the_verification(client, signup, mailoutbox):
    signup("ada@example.org")
    client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, "ada@example.org")})

    user = User.objects.get(email="ada@example.org")
    assert actions_for(user) == [
        "account.consent.accepted",
        "account.signed_up",
        "account.email.verified",
        "account.login.succeeded",
    ]


def test_it_refuses_a_weak_password_with_a_message(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "ada@example.org", "password1": "123", "password2": "123", "accept_data_protection": "on"},
    )

    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.exists()


def test_it_keeps_a_second_signup_with_a_taken_address_from_making_an_account(signup, make_user, mailoutbox):
    make_user("ada@example.org")

    response = signup("ADA@example.org")

    # allauth's enumeration prevention: the page looks like a normal sign-up, the owner is told by e-mail.
    assert response.status_code == 302
    assert User.objects.filter(email="ada@example.org").count() == 1
    assert "already" in mailoutbox[-1].body.lower()


def test_it_shows_the_code_page_in_the_site_layout(client, signup):
    signup("ada@example.org")

    response = client.get("/accounts/confirm-email/")

    page = response.content.decode()
    assert "We have sent a 6-digit code to <strong>ada@example.org</strong>" in page
    assert "within 15 minutes" in page
    assert 'inputmode="numeric"' in page
    assert 'class="site-header"' in page
    assert messages_of(response) == ["Confirmation email sent to ada@example.org."]


def test_it_does_not_sign_in_with_the_password_before_the_code(client, signup, mailoutbox):
    signup("ada@example.org")
    client.logout()
    cache.clear()  # a new code may be sent 10 s after the last one only

    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})

    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 2


def test_it_stops_after_three_wrong_codes_and_says_how_to_go_on(client, signup, mailoutbox):
    signup("ada@example.org")
    wrong = "000000" if last_code(mailoutbox, "ada@example.org") != "000000" else "111111"

    client.post("/accounts/confirm-email/", {"code": wrong})
    client.post("/accounts/confirm-email/", {"code": wrong})
    response = client.post("/accounts/confirm-email/", {"code": wrong}, follow=True)

    assert response.redirect_chain[0][0] == "/accounts/login/"
    assert "Too many wrong codes. Sign in again to receive a new code." in messages_of(response)
    assert not EmailAddress.objects.get(email="ada@example.org").verified
    assert "_auth_user_id" not in client.session


def test_it_says_when_the_signup_code_has_expired_and_a_new_one_can_be_had(
    client, signup, mailoutbox, monkeypatch
):
    import time

    signup("ada@example.org")
    code = last_code(mailoutbox, "ada@example.org")
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)

    response = client.post("/accounts/confirm-email/", {"code": code}, follow=True)

    assert response.redirect_chain[0][0] == "/accounts/login/"
    assert "The code has expired. Sign in again to receive a new code." in messages_of(response)
    assert not EmailAddress.objects.get(email="ada@example.org").verified

    cache.clear()
    client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, "ada@example.org")})
    assert EmailAddress.objects.get(email="ada@example.org").verified
    assert "_auth_user_id" in client.session
