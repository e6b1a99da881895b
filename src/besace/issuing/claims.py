"""Claim links: signed, expiring tokens that prove the holder received the award e-mail."""

import datetime

from django.core import signing
from django.utils.translation import gettext as _

from besace.issuing.models import Assertion

CLAIM_SIGNING_SALT = "besace.issuing.claim"


class ClaimLinkError(Exception):
    """The claim link is unknown, altered or expired."""


def claim_token_make(assertion: Assertion) -> str:
    return signing.dumps({"a": assertion.public_id, "e": assertion.recipient_email}, salt=CLAIM_SIGNING_SALT)


def claim_token_read(token: str, *, max_age_days: int) -> Assertion:
    try:
        data = signing.loads(token, salt=CLAIM_SIGNING_SALT, max_age=datetime.timedelta(days=max_age_days))
    except signing.SignatureExpired as error:
        raise ClaimLinkError(_("This claim link has expired. Ask the issuer to send it again.")) from error
    except signing.BadSignature as error:
        raise ClaimLinkError(_("This claim link is not valid. Check that you copied it whole.")) from error
    assertion = (
        Assertion.objects.select_related("badge_class__issuer")
        .filter(public_id=data.get("a"), recipient_email=data.get("e"))
        .first()
    )
    if assertion is None:
        raise ClaimLinkError(_("This claim link is not valid. Check that you copied it whole."))
    return assertion
