"""The award e-mail, written in the earner's language when Besace knows it, else the issuer's."""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from besace.accounts.services import user_for_verified_email
from besace.core.tasks import retried_task
from besace.issuing.claims import claim_token_make
from besace.issuing.models import Assertion

logger = logging.getLogger(__name__)


def award_email_language(assertion) -> str:
    earner = user_for_verified_email(assertion.recipient_email)
    if earner is not None and earner.language:
        return earner.language
    return assertion.language or settings.LANGUAGE_CODE


def claim_url(assertion) -> str:
    return settings.BESACE_BASE_URL + reverse("claim", args=[claim_token_make(assertion)])


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
        "claim_url": claim_url(assertion),
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


@retried_task
def award_emails_send_task(assertion_pks: list[int]) -> int:
    """The award e-mails of a batch of awards, over one connection to the mail server; returns how many
    were sent. One address the server refuses is logged and does not stop the others; a server that cannot
    be reached fails the task before anything is sent, and it is retried later."""
    assertions = Assertion.objects.filter(pk__in=assertion_pks).select_related("badge_class__issuer")
    sent = 0
    with get_connection() as connection:
        for assertion in assertions:
            try:
                sent += connection.send_messages([award_email_message(assertion)]) or 0
            except Exception:
                logger.exception("award e-mail for assertion %s not sent", assertion.pk)
    return sent
