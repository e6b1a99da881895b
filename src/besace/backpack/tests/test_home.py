"""The backpack home: pending badges from any verified address, and "My badges"."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import formats, timezone

from besace.backpack import services
from besace.issuing import services as issuing_services


@pytest.fixture
def earner(earner):
    """The earner with a second, verified address and a third one not verified."""
    EmailAddress.objects.create(user=earner, email="student@univ.example", verified=True, primary=False)
    EmailAddress.objects.create(user=earner, email="unproved@example.org", verified=False, primary=False)
    return earner


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    assert client.get(reverse("backpack:home"))["Location"].startswith(reverse("account_login"))


def test_it_lists_pending_badges_of_every_verified_address_whatever_their_case(
    login, earner, award, badge_class
):
    first, second = award("EARNER@example.org"), award("Student@Univ.Example")
    not_mine, unproved = award("someone@example.org"), award("unproved@example.org")
    response = login(earner).get(reverse("backpack:home"))
    assert {a.pk for a, _claim in response.context["pending"]} == {first.pk, second.pk}
    page = response.content.decode()
    assert reverse("backpack:accept", args=[first.public_id]) in page
    assert reverse("backpack:accept", args=[not_mine.public_id]) not in page
    assert reverse("backpack:accept", args=[unproved.public_id]) not in page


def test_a_pending_badge_opens_on_its_claim_page_where_it_is_accepted(login, earner, award):
    """The tutorials say "click on your pending badge, then on Accept this badge"."""
    assertion = award()
    client = login(earner)
    [(_assertion, claim_path)] = client.get(reverse("backpack:home")).context["pending"]
    home = client.get(reverse("backpack:home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'<a href="{claim_path}">{assertion.badge_class.name}</a>' in home
    claim = client.get(claim_path, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Accepter ce badge" in claim and assertion.badge_class.description in claim


def test_it_hides_revoked_declined_and_accepted_awards_from_pending(login, earner, award, owner):
    revoked, declined, accepted = award(), award(), award()
    issuing_services.assertion_revoke(assertion=revoked, reason="r", actor=owner)
    services.assertion_decline(assertion=declined, user=earner)
    services.assertion_accept(assertion=accepted, user=earner)
    assert list(login(earner).get(reverse("backpack:home")).context["pending"]) == []


def test_it_lists_my_badges_with_image_name_issuer_and_dates(login, earner, award, badge_class, issuer):
    badge_class.expires_after_days = 365
    badge_class.save()
    assertion = award(issued_on=timezone.now() - datetime.timedelta(days=3))
    services.assertion_accept(assertion=assertion, user=earner)
    page = login(earner).get(reverse("backpack:home")).content.decode()
    assert "Pending badges" not in page
    assert badge_class.image_url in page and badge_class.name in page and issuer.name in page
    for moment in (assertion.issued_on, assertion.expires):
        assert formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") in page
    assert reverse("backpack:badge", args=[assertion.public_id]) in page


def test_it_marks_a_revoked_badge_in_my_badges(login, earner, award, owner):
    assertion = award()
    services.assertion_accept(assertion=assertion, user=earner)
    issuing_services.assertion_revoke(assertion=assertion, reason="r", actor=owner)
    assert "Revoked" in login(earner).get(reverse("backpack:home")).content.decode()


def test_it_lists_many_badges_in_few_queries(login, earner, owner, issuer, django_assert_max_num_queries):
    from django.core.files.base import ContentFile

    from besace.demo.images import badge_png

    for n in range(10):
        badge_class = issuing_services.badge_class_create(
            issuer=issuer,
            actor=owner,
            name=f"Badge {n}",
            description="d",
            criteria_text="c",
            image=ContentFile(badge_png(size=32), name="b.png"),
        )
        accepted = issuing_services.badge_award(
            badge_class=badge_class, award=issuing_services.AwardRequest(email="earner@example.org")
        )
        services.assertion_accept(assertion=accepted, user=earner)
        issuing_services.badge_award(
            badge_class=badge_class, award=issuing_services.AwardRequest(email="student@univ.example")
        )
    client = login(earner)
    client.get(reverse("backpack:home"))
    # Slack of two for middleware (session, consent); one query per badge would blow it at once.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("backpack:home"))
    page = response.content.decode()
    assert page.count("/accept/") == 10
    assert all(f"Badge {n}" in page for n in range(10))
