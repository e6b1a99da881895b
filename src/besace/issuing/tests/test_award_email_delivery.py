"""The mail server is down: awards are kept, their e-mails retried, and the issuer sees how each one went
and sends again those given up. Tasks run as a db_worker runs them (retries deferred)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from besace.core.models import AuditEntry
from besace.issuing import emails, services
from besace.issuing.claims import claim_token_read
from besace.issuing.models import Assertion, AwardEmail
from besace.testing.tasks import retries_due_now, worker_run


@pytest.fixture
def award_on_page(login, owner, badge_class, django_capture_on_commit_callbacks):
    """Award from the badge's page as the owner; returns the award."""

    def send(email="earner@example.org"):
        data = {"email": email, "name": "Camille", "narrative": "", "evidence_url": ""}
        data |= {"evidence_narrative": "", "issued_on": ""}
        with django_capture_on_commit_callbacks(execute=True):
            response = login(owner).post(reverse("issuing:award", args=[badge_class.public_id]), data)
        assert response.status_code == 302
        return Assertion.objects.get(recipient_email=email)

    return send


def _delivery(assertion) -> AwardEmail:
    return AwardEmail.objects.get(pk=assertion.pk)


def _awards_page(client, badge_class) -> str:
    return client.get(reverse("issuing:badgeclass", args=[badge_class.public_id])).content.decode()


def test_it_keeps_the_award_and_sends_the_email_once_the_server_is_back(
    db_tasks, flaky_mail_server, award_on_page, client, badge_class, mailoutbox
):
    flaky_mail_server.refusals = 2
    assertion = award_on_page()
    assert _delivery(assertion).status == "queued"  # committed with the award, before any sending

    worker_run()
    delivery = _delivery(assertion)
    assert (delivery.status, delivery.attempts) == ("retrying", 1)
    assert delivery.last_error.startswith("ConnectionRefusedError")
    assert 25 < (delivery.next_try_at - timezone.now()).total_seconds() <= 30
    page = _awards_page(client, badge_class)
    assert "Retrying" in page and "attempt 1 failed, next try at" in page and "Send again" not in page

    worker_run()  # the retry is not due yet
    assert _delivery(assertion).attempts == 1
    retries_due_now()
    worker_run()
    assert (_delivery(assertion).status, _delivery(assertion).attempts) == ("retrying", 2)
    retries_due_now()
    worker_run()
    delivery = _delivery(assertion)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert delivery.sent_at is not None and delivery.next_try_at is None
    assert Assertion.objects.filter(pk=assertion.pk).exists()
    (message,) = mailoutbox
    # The claim link is signed when the e-mail goes: still good however late it went.
    token = re.search(r"/claim/([^/\s\"]+)/", message.body).group(1)
    assert claim_token_read(token, max_age_days=1) == assertion
    assert "Sent" in _awards_page(client, badge_class)


def test_it_gives_up_after_the_last_try_and_the_issuer_sends_it_again(
    db_tasks,
    flaky_mail_server,
    award_on_page,
    client,
    badge_class,
    owner,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    flaky_mail_server.refusals = 3  # BESACE_TASK_MAX_ATTEMPTS
    assertion = award_on_page()
    for _ in range(3):
        worker_run()
        retries_due_now()
    delivery = _delivery(assertion)
    assert (delivery.status, delivery.attempts, delivery.next_try_at) == ("failed", 3, None)
    assert "ConnectionRefusedError" in delivery.last_error and mailoutbox == []
    page = _awards_page(client, badge_class)
    assert "Not delivered" in page and "after 3 tries" in page and "Send again" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("issuing:award_email_resend", args=[assertion.public_id]), follow=True)
    assert "on its way again" in response.content.decode()
    assert (_delivery(assertion).status, _delivery(assertion).attempts) == ("queued", 0)
    resent = AuditEntry.objects.get(action="assertion.email_resent", target_id=str(assertion.pk))
    assert resent.actor == owner and resent.data["previous_status"] == "failed"
    worker_run()
    assert _delivery(assertion).status == "sent" and len(mail.outbox) == 1
    # Sent: asking again changes nothing.
    assert emails.award_email_resend(assertion=assertion, actor=owner) is False
    worker_run()
    assert len(mailoutbox) == 1
    assert AuditEntry.objects.filter(action="assertion.email_resent").count() == 1


def test_an_email_on_its_way_is_not_resent(db, flaky_mail_server, award, owner, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assertion = award()
    assert emails.award_email_resend(assertion=assertion, actor=owner) is False  # queued, fresh
    # Queued long ago (its queue was lost): it may be sent again.
    AwardEmail.objects.filter(pk=assertion.pk).update(updated_at=timezone.now() - timezone.timedelta(hours=1))
    assert emails.award_email_resend(assertion=assertion, actor=owner) is True


def test_a_server_hanging_up_midway_sends_each_email_exactly_once(
    db_tasks, flaky_mail_server, badge_class, owner, mailoutbox, django_capture_on_commit_callbacks
):
    flaky_mail_server.hang_up_after = 2
    awards = [services.AwardRequest(email=f"p{n}@example.org") for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        assertions = services.badges_award_bulk(badge_class=badge_class, awards=awards, actor=owner)
    worker_run()
    statuses = [_delivery(a).status for a in assertions]
    assert statuses == ["sent", "sent", "retrying", "retrying", "retrying"]
    assert "SMTPServerDisconnected" in _delivery(assertions[2]).last_error
    retries_due_now()
    worker_run()
    assert [_delivery(a).status for a in assertions] == ["sent"] * 5
    assert sorted(m.to[0] for m in mailoutbox) == [f"p{n}@example.org" for n in range(5)]


def test_a_refused_address_is_given_up_at_once_and_the_others_go(
    db_tasks, flaky_mail_server, badge_class, owner, mailoutbox, django_capture_on_commit_callbacks
):
    flaky_mail_server.refused_recipients = frozenset({"p1@example.org"})
    awards = [services.AwardRequest(email=f"p{n}@example.org") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assertions = services.badges_award_bulk(badge_class=badge_class, awards=awards, actor=owner)
    worker_run()
    assert [_delivery(a).status for a in assertions] == ["sent", "failed", "sent"]
    assert "SMTPRecipientsRefused" in _delivery(assertions[1]).last_error
    assert retries_due_now() == 0  # nothing left to retry
    assert sorted(m.to[0] for m in mailoutbox) == ["p0@example.org", "p2@example.org"]


def test_the_same_email_queued_twice_is_sent_once(db_tasks, flaky_mail_server, award, mailoutbox):
    assertion = award()  # its task is queued on commit: not in this test's transaction
    emails.award_emails_send_task.enqueue([assertion.pk])
    emails.award_emails_send_task.enqueue([assertion.pk])
    worker_run()
    assert len(mailoutbox) == 1 and _delivery(assertion).status == "sent"


def test_without_a_worker_to_retry_the_email_is_given_up_at_once_and_the_award_kept(
    flaky_mail_server, award_on_page, mailoutbox
):
    flaky_mail_server.refusals = 1  # tests run tasks at once, as BESACE_TASKS=immediate does
    assertion = award_on_page()
    delivery = _delivery(assertion)
    assert (delivery.status, delivery.attempts) == ("failed", 1) and mailoutbox == []


@pytest.mark.parametrize("role", ["editor", "awarder"])
def test_staff_who_award_may_resend(
    request, role, login, flaky_mail_server, award, django_capture_on_commit_callbacks
):
    client = login(request.getfixturevalue(role))
    assertion = award()
    AwardEmail.objects.filter(pk=assertion.pk).update(status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("issuing:award_email_resend", args=[assertion.public_id]))
    assert _delivery(assertion).status == "sent" and len(mail.outbox) == 1
