"""The award e-mail, written in the earner's language when Besace knows it, else the issuer's.

Sent by a retried task once the award is committed; each award's AwardEmail records whether it was sent,
is waiting for another try (the mail server was down), or was given up, for the issuer to see and resend.
The claim link is signed when the e-mail is written, so an e-mail sent late still carries a fresh one."""

import logging
import re
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from besace.accounts.services import user_for_verified_email
from besace.core.audit import audit_record
from besace.core.tasks import retried_task, retry_time
from besace.issuing.claims import claim_token_make
from besace.issuing.models import Assertion, AwardEmail

logger = logging.getLogger(__name__)


def award_email_language(assertion) -> str:
    earner = user_for_verified_email(assertion.recipient_email)
    if earner is not None and earner.language:
        return earner.language
    return assertion.language or settings.LANGUAGE_CODE


def _claim_links(assertion) -> dict[str, str]:
    """The e-mail's two links, signed by one token: get the badge, or its PDF version right away."""
    token = claim_token_make(assertion)
    return {
        "claim_url": settings.BESACE_BASE_URL + reverse("claim", args=[token]),
        "certificate_url": settings.BESACE_BASE_URL + reverse("claim_certificate", args=[token]),
    }


def _one_line(text: str) -> str:
    """A line break from a badge or issuer name would make the subject an invalid header. Runs of
    whitespace become one space, except the no-break spaces French puts inside « » and before « : »."""
    return re.sub(r"[^\S\u00a0\u202f]+", " ", text).strip()


def award_email_message(assertion) -> EmailMultiAlternatives:
    badge_class = assertion.badge_class
    context = {
        "assertion": assertion,
        "badge_class": badge_class,
        "issuer": badge_class.issuer,
        **_claim_links(assertion),
    }
    language = award_email_language(assertion)
    with translation.override(language):
        subject = _one_line(render_to_string("issuing/email/award_subject.txt", context))
        text = render_to_string("issuing/email/award.txt", context)
        html = render_to_string("issuing/email/award.html", context)
    message = EmailMultiAlternatives(
        subject, text, to=[assertion.recipient_email], headers={"Content-Language": language}
    )
    message.attach_alternative(html, "text/html")
    return message


# The mail server failed, not one e-mail: the others of the batch would fail too.
_SERVER_ERRORS = (smtplib.SMTPException, OSError)


class AwardEmailsNotSent(Exception):
    """Raised by the task when e-mails wait for another try, so that it is retried."""


@retried_task
def award_emails_send_task(assertion_pks: list[int], *, attempt: int = 1) -> int:
    """The award e-mails of a batch of awards not sent yet, over one connection to the mail server;
    returns how many were sent. Each one's AwardEmail says how it went.

    An address the server refuses, or an e-mail that cannot be written, is given up at once and does not
    stop the others. An error of the server (it cannot be reached, or hangs up) stops the batch: the e-mails
    not sent yet wait for the task's next try, or are given up after the last one. Safe to run twice: only
    the e-mails this run claimed are sent.
    """
    claimed = _deliveries_claim(assertion_pks)
    if not claimed:
        return 0
    waiting = set(claimed)
    sent = 0
    error: Exception | None = None
    assertions = Assertion.objects.filter(pk__in=claimed).select_related("badge_class__issuer")
    try:
        with get_connection() as connection:
            for assertion in assertions.order_by("pk"):
                try:
                    connection.send_messages([award_email_message(assertion)])
                except smtplib.SMTPRecipientsRefused as refused:
                    logger.warning("award e-mail for assertion %s refused: %s", assertion.pk, refused)
                    _deliveries_failed([assertion.pk], refused, retry_at=None)
                except _SERVER_ERRORS:
                    raise
                except Exception as broken:  # this e-mail only: trying it again would not mend it
                    logger.exception("award e-mail for assertion %s not sent", assertion.pk)
                    _deliveries_failed([assertion.pk], broken, retry_at=None)
                else:
                    _delivery_sent(assertion.pk)
                    sent += 1
                waiting.discard(assertion.pk)
    except Exception as failure:
        error = failure
    waiting &= set(AwardEmail.objects.filter(pk__in=waiting).values_list("pk", flat=True))  # not deleted
    if not waiting:
        return sent
    retry_at = retry_time(award_emails_send_task, attempt=attempt)
    _deliveries_failed(sorted(waiting), error, retry_at=retry_at)
    raise AwardEmailsNotSent(f"{len(waiting)} award e-mails not sent") from error


def _deliveries_claim(assertion_pks: list[int]) -> list[int]:
    """Mark as being sent, and return, those of the e-mails that are waiting to be sent."""
    with transaction.atomic():
        claimed = list(
            AwardEmail.objects.select_for_update()
            .filter(pk__in=assertion_pks, status__in=AwardEmail.WAITING)
            .values_list("pk", flat=True)
        )
        AwardEmail.objects.filter(pk__in=claimed).update(
            status=AwardEmail.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
        )
    return claimed


def _delivery_sent(assertion_pk: int) -> None:
    now = timezone.now()
    AwardEmail.objects.filter(pk=assertion_pk).update(
        status=AwardEmail.Status.SENT, sent_at=now, last_error="", next_try_at=None, updated_at=now
    )


def _deliveries_failed(assertion_pks: list[int], error: Exception | None, *, retry_at) -> None:
    AwardEmail.objects.filter(pk__in=assertion_pks).update(
        status=AwardEmail.Status.FAILED if retry_at is None else AwardEmail.Status.RETRYING,
        last_error=(f"{type(error).__name__}: {error}" if error else "")[:500],
        next_try_at=retry_at,
        updated_at=timezone.now(),
    )


def award_email_resend(*, assertion: Assertion, actor) -> bool:
    """Queue the award e-mail again, when it was given up or is stuck; False when it is on its way or
    sent. Awards older than delivery tracking have no record: theirs is made, and sent."""
    with transaction.atomic():
        delivery = AwardEmail.objects.select_for_update().filter(pk=assertion.pk).first()
        if delivery is not None and not delivery.resendable:
            return False
        previous = delivery.status if delivery is not None else ""
        AwardEmail.objects.update_or_create(
            assertion=assertion,
            defaults={
                "status": AwardEmail.Status.QUEUED,
                "attempts": 0,
                "last_error": "",
                "next_try_at": None,
                "updated_at": timezone.now(),
            },
        )
        audit_record(action="assertion.email_resent", target=assertion, actor=actor, previous_status=previous)
        transaction.on_commit(lambda: award_emails_send_task.enqueue([assertion.pk]), robust=True)
    return True
