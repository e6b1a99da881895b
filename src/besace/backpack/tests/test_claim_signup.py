"""Signing up from the claim page: the claimed address is verified by the link, no code needed."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from besace.backpack.models import BackpackBadge
from besace.issuing.claims import claim_token_make


def _sign_up(client, email, next_url):
    return client.post(
        reverse("account_signup") + "?next=" + next_url,
        {
            "email": email,
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "accept_data_protection": "on",
            "next": next_url,
        },
    )


def test_it_signs_up_with_the_claimed_address_verified_and_accepts_the_badge(
    client, award, badge_class, mailoutbox
):
    assertion = award("Earner@Example.org")
    claim_url = reverse("claim", args=[claim_token_make(assertion)])
    client.get(claim_url)

    response = _sign_up(client, "earner@example.org", claim_url)

    user = get_user_model().objects.get(email="earner@example.org")
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary
    assert mailoutbox == []  # no verification code was needed
    assert response.status_code == 302 and response["Location"] == claim_url
    assert "_auth_user_id" in client.session

    home = client.get(reverse("backpack:home")).content.decode()
    assert "Pending badges" in home and badge_class.name in home
    accept = client.post(reverse("backpack:accept", args=[assertion.public_id]))
    assert accept["Location"] == reverse("backpack:badge", args=[assertion.public_id])
    assert BackpackBadge.objects.get().owner == user


def test_it_can_accept_from_the_claim_page_right_after_signing_up(client, award):
    assertion = award()
    claim_url = reverse("claim", args=[claim_token_make(assertion)])
    client.get(claim_url)
    _sign_up(client, "earner@example.org", claim_url)
    assert "Accept this badge" in client.get(claim_url).content.decode()
    client.post(claim_url)
    assert BackpackBadge.objects.get().assertion == assertion


def test_it_asks_for_a_code_when_signing_up_with_another_address(client, award, mailoutbox):
    assertion = award()
    claim_url = reverse("claim", args=[claim_token_make(assertion)])
    client.get(claim_url)
    _sign_up(client, "someone.else@example.org", claim_url)
    user = get_user_model().objects.get(email="someone.else@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert not EmailAddress.objects.filter(email="earner@example.org").exists()
