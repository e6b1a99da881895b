"""Awarding a badge to one person from the badge class page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from besace.core.audit import audit_entries_for
from besace.issuing import services
from besace.issuing.jsonld import assertion_document
from besace.issuing.models import Assertion
from besace.openbadges.hashing import hash_identity, identity_matches


def _award(client, badge_class, **fields):
    data = {
        "email": "earner@example.org",
        "name": "",
        "narrative": "",
        "evidence_url": "",
        "evidence_narrative": "",
        "issued_on": "",
        **fields,
    }
    return client.post(reverse("issuing:award", args=[badge_class.public_id]), data)


@pytest.mark.parametrize("role", ["owner", "editor", "awarder"])
def test_it_awards_a_badge_with_narrative_evidence_and_issue_date(request, login, role, badge_class):
    user = request.getfixturevalue(role)
    response = _award(
        login(user),
        badge_class,
        email=" Camille.Durand@Example.ORG ",
        name="Camille Durand",
        narrative="Built a *quiz* app.",
        evidence_url="https://portfolio.example/quiz",
        evidence_narrative="The app and its tests.",
        issued_on="2026-01-15",
    )
    assert response.status_code == 302
    assertion = Assertion.objects.get()
    assert assertion.recipient_email == "camille.durand@example.org"
    assert assertion.recipient_name == "Camille Durand"
    assert timezone.localtime(assertion.issued_on).date() == datetime.date(2026, 1, 15)
    assert assertion.awarded_by == user
    assert assertion.expires is None
    entry = audit_entries_for(assertion).get()
    assert (entry.action, entry.actor) == ("assertion.awarded", user)

    document = assertion_document(assertion)
    assert document["recipient"]["type"] == "email" and document["recipient"]["hashed"] is True
    assert document["recipient"]["identity"] == hash_identity("camille.durand@example.org", assertion.salt)
    assert document["recipient"]["identity"].startswith("sha256$")
    assert identity_matches(document["recipient"], "Camille.Durand@example.org")
    assert not identity_matches(document["recipient"], "someone.else@example.org")
    assert document["verification"] == {"type": "hosted"}
    assert document["issuedOn"].startswith("2026-01-15T00:00:00")
    assert document["narrative"] == "Built a *quiz* app."
    assert document["evidence"] == [
        {"id": "https://portfolio.example/quiz", "narrative": "The app and its tests."}
    ]


def test_it_salts_each_award_differently(award):
    first, second = award("a@example.org"), award("b@example.org")
    assert first.salt != second.salt and len(first.salt) >= 16


def test_it_issues_now_when_no_date_is_given(login, owner, badge_class):
    before = timezone.now()
    _award(login(owner), badge_class)
    assert before <= Assertion.objects.get().issued_on <= timezone.now()


def test_it_computes_the_expiry_from_days_after_the_award(login, owner, badge_class):
    badge_class.expires_after_days = 30
    badge_class.save()
    _award(login(owner), badge_class, issued_on="2026-01-15")
    assertion = Assertion.objects.get()
    assert assertion.expires == assertion.issued_on + datetime.timedelta(days=30)
    assert assertion_document(assertion)["expires"].startswith("2026-02-14T00:00:00")


def test_it_uses_the_fixed_expiry_date_of_the_badge_class(award, badge_class):
    badge_class.expires_on = timezone.now() + datetime.timedelta(days=100)
    badge_class.save()
    assert award().expires == badge_class.expires_on


@pytest.mark.parametrize(
    ("fields", "field_with_error"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "https://example.org/" + "x" * 300}, "evidence_url"),
        ({"issued_on": "2999-01-01"}, "issued_on"),
        ({"name": "n" * 201}, "name"),
    ],
)
def test_it_explains_a_wrong_award_and_awards_nothing(
    login, owner, badge_class, fields, field_with_error, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _award(login(owner), badge_class, **fields)
    assert response.status_code == 200
    assert response.context["form"].errors[field_with_error]
    assert not Assertion.objects.exists()
    assert mailoutbox == []


def test_it_sends_no_email_for_an_award_that_was_rolled_back(
    badge_class, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.badge_award(badge_class=badge_class, award=services.AwardRequest(email="e@example.org"))
            raise RuntimeError("something later in the same transaction failed")
    assert callbacks == [] and mailoutbox == []
    assert not Assertion.objects.exists()


def test_it_keeps_the_award_when_the_mail_server_fails(
    login, owner, badge_class, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = _award(login(owner), badge_class)
    assert response.status_code == 302
    assert Assertion.objects.count() == 1
