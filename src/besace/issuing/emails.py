"""The award e-mail, written in the earner's language when Besace knows it, else the issuer's."""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from besace.accounts.services import user_for_verified_email
from besace.issuing.claims import claim_token_make


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


def award_email_send(assertion) -> None:
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
    message.send()
