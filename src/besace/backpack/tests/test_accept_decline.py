"""Accepting and declining pending badges from the backpack."""

import pytest
from django.urls import reverse

from besace.backpack import services
from besace.backpack.models import BackpackBadge
from besace.core.audit import audit_entries_for
from besace.issuing.models import Assertion
from besace.issuing.services import assertion_revoke


def _accept(client, assertion):
    return client.post(reverse("backpack:accept", args=[assertion.public_id]), follow=True)


def test_it_accepts_a_pending_badge(login, earner, award):
    assertion = award()
    response = _accept(login(earner), assertion)
    assert "Badge accepted: it is in your backpack." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("backpack:badge", args=[assertion.public_id])
    assertion.refresh_from_db()
    assert assertion.recipient_state == Assertion.RecipientState.ACCEPTED
    assert BackpackBadge.objects.get().owner == earner
    assert audit_entries_for(assertion).filter(action="assertion.accepted", actor=earner).exists()


def test_it_declines_a_pending_badge(login, earner, award):
    assertion = award()
    response = login(earner).post(reverse("backpack:decline", args=[assertion.public_id]), follow=True)
    assert "Badge declined." in response.content.decode()
    assertion.refresh_from_db()
    assert assertion.recipient_state == Assertion.RecipientState.DECLINED
    assert not BackpackBadge.objects.exists()
    assert audit_entries_for(assertion).filter(action="assertion.declined", actor=earner).exists()


def test_it_refuses_to_accept_a_revoked_badge(login, earner, award, owner):
    assertion = award()
    assertion_revoke(assertion=assertion, reason="r", actor=owner)
    response = _accept(login(earner), assertion)
    assert "This badge was revoked by its issuer." in response.content.decode()
    assert not BackpackBadge.objects.exists()


def test_it_refuses_to_accept_somebody_elses_badge(login, outsider, award):
    assertion = award()
    response = _accept(login(outsider), assertion)
    assert "awarded to an address that is not verified on your account" in response.content.decode()
    assert not BackpackBadge.objects.exists()
    assertion.refresh_from_db()
    assert assertion.recipient_state == Assertion.RecipientState.PENDING


def test_it_refuses_to_accept_for_an_unverified_address(login, make_user, award):
    user = make_user("earner@example.org", verified=False)
    _accept(login(user), award())
    assert not BackpackBadge.objects.exists()


def test_it_refuses_to_decline_somebody_elses_badge(login, outsider, award):
    assertion = award()
    response = login(outsider).post(reverse("backpack:decline", args=[assertion.public_id]), follow=True)
    assert "not verified on your account" in response.content.decode()
    assertion.refresh_from_db()
    assert assertion.recipient_state == Assertion.RecipientState.PENDING


def test_it_refuses_to_accept_a_declined_badge(login, earner, award):
    assertion = award()
    services.assertion_decline(assertion=assertion, user=earner)
    assert "This badge was declined." in _accept(login(earner), assertion).content.decode()
    assert not BackpackBadge.objects.exists()


def test_it_refuses_to_decline_an_accepted_badge(login, earner, award):
    assertion = award()
    services.assertion_accept(assertion=assertion, user=earner)
    login(earner).post(reverse("backpack:decline", args=[assertion.public_id]))
    assertion.refresh_from_db()
    assert assertion.recipient_state == Assertion.RecipientState.ACCEPTED


@pytest.mark.parametrize("view", ["backpack:accept", "backpack:decline"])
def test_it_only_changes_state_by_post(login, earner, award, view):
    assertion = award()
    assert login(earner).get(reverse(view, args=[assertion.public_id])).status_code == 405


@pytest.mark.parametrize("view", ["backpack:accept", "backpack:decline"])
def test_it_answers_404_for_an_unknown_award(login, earner, view):
    assert login(earner).post(reverse(view, args=["nope"])).status_code == 404
