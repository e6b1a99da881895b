"""The claim link of the award e-mail (/claim/<token>/)."""

import time
from unittest import mock
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.test import Client
from django.urls import reverse

from besace.backpack.models import BackpackBadge
from besace.core.audit import audit_entries_for
from besace.issuing.claims import CLAIM_SIGNING_SALT, claim_token_make
from besace.issuing.models import Assertion
from besace.issuing.services import assertion_revoke


def _claim_url(token: str) -> str:
    return reverse("claim", args=[token])


@pytest.fixture
def assertion(award):
    return award("earner@example.org")


@pytest.fixture
def token(assertion):
    return claim_token_make(assertion)


def _unchanged(assertion):
    assertion.refresh_from_db()
    return (
        assertion.recipient_state == Assertion.RecipientState.PENDING and not BackpackBadge.objects.exists()
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_says_an_unknown_link_is_not_valid(client, assertion, method):
    response = getattr(client, method)(_claim_url("not-a-token"))
    assert response.status_code == 404
    assert "This claim link is not valid" in response.content.decode()
    assert _unchanged(assertion)


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_says_an_altered_link_is_not_valid(client, assertion, token, method):
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert getattr(client, method)(_claim_url(tampered)).status_code == 404
    assert client.post(reverse("claim_decline", args=[tampered])).status_code == 404
    assert _unchanged(assertion)


def test_it_refuses_a_well_signed_link_for_another_address(client, assertion):
    forged = signing.dumps({"a": assertion.public_id, "e": "intruder@example.org"}, salt=CLAIM_SIGNING_SALT)
    assert client.get(_claim_url(forged)).status_code == 404


def test_it_says_an_expired_link_has_expired(client, assertion, settings):
    settings.BESACE_CLAIM_LINK_MAX_AGE_DAYS = 90
    ninety_one_days_ago = time.time() - 91 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=ninety_one_days_ago):
        old_token = claim_token_make(assertion)
    response = client.get(_claim_url(old_token))
    assert response.status_code == 404
    assert "This claim link has expired. Ask the issuer to send it again." in response.content.decode()
    assert client.post(reverse("claim_decline", args=[old_token])).status_code == 404
    assert _unchanged(assertion)


def test_it_still_accepts_a_link_just_within_its_age(client, assertion, settings):
    settings.BESACE_CLAIM_LINK_MAX_AGE_DAYS = 90
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 89 * 24 * 3600):
        token = claim_token_make(assertion)
    assert client.get(_claim_url(token)).status_code == 200


def test_it_offers_sign_up_log_in_download_and_decline_to_a_visitor(client, assertion, token, badge_class):
    response = client.get(_claim_url(token))
    assert response.status_code == 200
    page = response.content.decode()
    assert badge_class.name in page and "earner@example.org" in page
    next_query = "?next=" + quote(_claim_url(token), safe="/")
    assert reverse("account_signup") + next_query in page
    assert reverse("account_login") + next_query in page
    assert f'href="{assertion.baked_png_url}" download' in page
    assert f'action="{reverse("claim_decline", args=[token])}"' in page
    assert client.session["account_verified_email"] == "earner@example.org"


def test_it_lets_a_visitor_decline_without_an_account(client, assertion, token):
    response = client.post(reverse("claim_decline", args=[token]), follow=True)
    assertion.refresh_from_db()
    assert assertion.recipient_state == Assertion.RecipientState.DECLINED
    entry = audit_entries_for(assertion).get(action="assertion.declined")
    assert entry.actor is None
    page = response.content.decode()
    assert "You declined this badge." in page and "This badge was declined." in page
    assert "Create an account" not in page


def test_it_only_declines_by_post(client, assertion, token):
    assert client.get(reverse("claim_decline", args=[token])).status_code == 405
    assert _unchanged(assertion)


def test_it_says_a_revoked_badge_is_revoked(client, assertion, token, owner):
    assertion_revoke(assertion=assertion, reason="Exam annulled", actor=owner)
    page = client.get(_claim_url(token)).content.decode()
    assert "This badge was revoked by its issuer." in page and "Exam annulled" in page
    assert "Create an account" not in page


def test_it_lets_a_signed_in_earner_with_the_address_accept(login, make_user, assertion, token):
    earner = make_user("earner@example.org")
    client = login(earner)
    page = client.get(_claim_url(token)).content.decode()
    assert "Accept this badge" in page and "adds earner@example.org" not in page
    response = client.post(_claim_url(token))
    assert response.status_code == 302 and response["Location"] == reverse(
        "backpack:badge", args=[assertion.public_id]
    )
    assert BackpackBadge.objects.get().owner == earner
    assert client.get(_claim_url(token))["Location"] == reverse("backpack:badge", args=[assertion.public_id])


def test_it_adds_the_claimed_address_to_a_signed_in_account_on_accepting(login, make_user, assertion, token):
    earner = make_user("personal@example.org")
    client = login(earner)
    page = client.get(_claim_url(token)).content.decode()
    assert "Accepting it adds earner@example.org to your account personal@example.org" in page
    # Opening the link changes nothing: only the explicit, CSRF-protected POST does.
    assert not EmailAddress.objects.filter(email="earner@example.org").exists()
    client.post(_claim_url(token))
    address = EmailAddress.objects.get(email="earner@example.org")
    assert address.user == earner and address.verified and not address.primary
    assert BackpackBadge.objects.get().owner == earner
    assertion.refresh_from_db()
    assert assertion.recipient_state == Assertion.RecipientState.ACCEPTED


def test_it_does_not_let_another_site_make_a_browser_accept(make_user, assertion, token):
    victim = make_user("victim@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(victim)
    assert client.post(_claim_url(token)).status_code == 403
    assert not EmailAddress.objects.filter(email="earner@example.org").exists()
    assert _unchanged(assertion)


def test_it_says_when_the_address_belongs_to_another_account(login, make_user, assertion, token):
    make_user("earner@example.org")
    other = make_user("other@example.org")
    client = login(other)
    page = client.get(_claim_url(token)).content.decode()
    assert "The address earner@example.org already belongs to another account." in page
    assert "Accept this badge" not in page
    response = client.post(_claim_url(token), follow=True)
    assert "already belongs to another account" in response.content.decode()
    assert _unchanged(assertion)
    assert EmailAddress.objects.filter(email="earner@example.org").get().user.email == "earner@example.org"


def test_it_refuses_to_accept_a_revoked_badge_and_adds_no_address(login, make_user, assertion, token, owner):
    assertion_revoke(assertion=assertion, reason="r", actor=owner)
    client = login(make_user("personal@example.org"))
    response = client.post(_claim_url(token), follow=True)
    assert "This badge was revoked by its issuer." in response.content.decode()
    assert not BackpackBadge.objects.exists()
    assert not EmailAddress.objects.filter(email="earner@example.org").exists()


def test_it_sends_a_visitor_who_accepts_to_the_login_page(client, assertion, token):
    response = client.post(_claim_url(token))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert _unchanged(assertion)
