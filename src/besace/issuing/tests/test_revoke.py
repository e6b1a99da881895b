"""Revoking an award with a reason: the public assertion, the revocation list and the page say so."""

import pytest
from django.urls import reverse

from besace.core.audit import audit_entries_for


def _revoke(client, assertion, reason="Awarded by mistake"):
    return client.post(reverse("issuing:revoke", args=[assertion.public_id]), {"reason": reason}, follow=True)


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_it_revokes_with_a_reason(request, login, role, award):
    user = request.getfixturevalue(role)
    assertion = award()
    response = _revoke(login(user), assertion)
    assert "The badge awarded to earner@example.org is revoked." in response.content.decode()
    assertion.refresh_from_db()
    assert assertion.revoked and assertion.revocation_reason == "Awarded by mistake"
    entry = audit_entries_for(assertion).get(action="assertion.revoked")
    assert entry.actor == user and entry.data == {"reason": "Awarded by mistake"}


def test_it_does_not_let_an_awarder_revoke(login, awarder, award):
    assertion = award()
    assert (
        login(awarder)
        .post(reverse("issuing:revoke", args=[assertion.public_id]), {"reason": "x"})
        .status_code
        == 403
    )
    assertion.refresh_from_db()
    assert not assertion.revoked


def test_it_needs_a_reason(login, owner, award):
    assertion = award()
    response = _revoke(login(owner), assertion, reason="  ")
    assert "Give a reason for the revocation." in response.content.decode()
    assertion.refresh_from_db()
    assert not assertion.revoked


def test_it_keeps_the_first_revocation(login, owner, award):
    assertion = award()
    _revoke(login(owner), assertion, "first")
    _revoke(login(owner), assertion, "second")
    assertion.refresh_from_db()
    assert assertion.revocation_reason == "first"
    assert audit_entries_for(assertion).filter(action="assertion.revoked").count() == 1


def test_it_answers_410_with_the_reason_on_the_public_assertion(login, owner, award, client):
    assertion = award()
    _revoke(login(owner), assertion)
    client.logout()
    response = client.get(
        reverse("public:assertion", args=[assertion.public_id]), HTTP_ACCEPT="application/ld+json"
    )
    assert response.status_code == 410
    document = response.json()
    assert document["revoked"] is True
    assert document["revocationReason"] == "Awarded by mistake"
    assert document["id"] == assertion.public_url


def test_it_lists_the_assertion_in_the_issuers_revocation_list(login, owner, award, client, issuer):
    revoked, kept = award("a@example.org"), award("b@example.org")
    _revoke(login(owner), revoked)
    response = client.get(f"/public/issuers/{issuer.public_id}/revocations")
    assert response.status_code == 200
    document = response.json()
    assert document["type"] == "RevocationList" and document["issuer"] == issuer.public_url
    listed = {entry["id"]: entry.get("revocationReason") for entry in document["revokedAssertions"]}
    assert listed[revoked.public_url] == "Awarded by mistake"
    assert kept.public_url not in listed


def test_it_says_revoked_on_the_html_page(login, owner, award, client):
    assertion = award()
    _revoke(login(owner), assertion)
    response = client.get(reverse("public:assertion", args=[assertion.public_id]), HTTP_ACCEPT="text/html")
    assert response.status_code == 410
    page = response.content.decode()
    assert "This badge was revoked by its issuer." in page and "Awarded by mistake" in page


def test_it_shows_the_revocation_on_the_badge_class_page(login, owner, award, badge_class):
    assertion = award()
    page = _revoke(login(owner), assertion).content.decode()
    assert "Revoked" in page and "Awarded by mistake" in page
    assert reverse("issuing:revoke", args=[assertion.public_id]) not in page
