"""Verification results as people read them: each check with a translated name and, for the outcomes
people meet most, a translated message."""

import re

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from besace.core.dates import parse_iso_datetime
from besace.openbadges.verify import model

CHECK_LABELS = {
    model.CHECK_STRUCTURE: _("Well-formed badge"),
    model.CHECK_RECIPIENT: _("Awarded to you"),
    model.CHECK_SIGNATURE: _("Signature and issuer"),
    model.CHECK_HOSTED: _("Hosted by its issuer"),
    model.CHECK_EXPIRY: _("Not expired"),
    model.CHECK_REVOCATION: _("Not revoked"),
    model.CHECK_IMAGE: _("Image"),
}


# The standards core knows nothing of Django and writes its messages in English (they are stored so, in
# each badge's checks): they are translated when shown. Messages naming what went wrong in a document stay
# as the core wrote them.
_FIXED_MESSAGES = {
    "the assertion, its BadgeClass and its Issuer are well formed": _(
        "the assertion, its badge class and its issuer are well formed"
    ),
    "a well-formed Open Badges 3.0 credential": _("a well-formed Open Badges 3.0 credential"),
    "valid JWS signature by the issuer": _("valid JWS signature by the issuer"),
    "the issuer's revocation list does not list it": _("the issuer’s revocation list does not list it"),
    "not in the issuer's revocation list": _("the issuer’s revocation list does not list it"),
    "not revoked": _("not revoked"),
    "not suspended": _("not suspended"),
    "the credential declares no status to check": _("the credential declares no status to check"),
    "no e-mail address was given to compare the recipient with": _(
        "no e-mail address was given to compare the recipient with"
    ),
    "awarded to one of your e-mail addresses": _("awarded to one of your e-mail addresses"),
    "awarded to another e-mail address": _("awarded to another e-mail address"),
    "the credential names no e-mail recipient": _("the credential names no e-mail recipient"),
    "within its validity period": _("within its validity period"),
    "does not expire": _("does not expire"),
    "the badge has an image": _("the badge has an image"),
    "the achievement has an image": _("the badge has an image"),
}
_PATTERNS = (
    (
        re.compile(r"the issuer serves this assertion at (?P<url>\S+)"),
        _("the issuer serves this assertion at %(url)s"),
    ),
    (
        re.compile(r"(?P<url>\S+) is where the issuer's assertions live"),
        _("%(url)s is where the issuer’s assertions live"),
    ),
    (re.compile(r"awarded to (?P<email>\S+@\S+)"), _("awarded to %(email)s")),
)
_VALID_UNTIL = re.compile(r"valid until (?P<date>\S+)")
_PROOFS = re.compile(r"(?P<count>\d+) valid proof\(s\) by the issuer")


def check_message(message: str) -> str:
    """A message of the standards core, in the active language when it is one of those translated."""
    if message in _FIXED_MESSAGES:
        return str(_FIXED_MESSAGES[message])
    for pattern, translated in _PATTERNS:
        if match := pattern.fullmatch(message):
            return translated % match.groupdict()
    if (match := _VALID_UNTIL.fullmatch(message)) and (until := parse_iso_datetime(match["date"])):
        return _("valid until %(date)s") % {"date": formats.date_format(until, "DATE_FORMAT")}
    if match := _PROOFS.fullmatch(message):
        count = int(match["count"])
        return ngettext(
            "%(count)s valid proof by the issuer", "%(count)s valid proofs by the issuer", count
        ) % {"count": count}
    return message


def checks_for_display(checks: list[dict]) -> list[dict]:
    """Stored or fresh checks (``{name, passed, message}``) with a ``label`` to show, and their message in
    the active language."""
    return [
        {
            **check,
            "label": CHECK_LABELS.get(check["name"], check["name"]),
            "message": check_message(check["message"]),
        }
        for check in checks
    ]


def endorsement_summary(endorsement: dict) -> dict:
    """Who endorses and what they say, from an OB 2.0 Endorsement or an OB 3.0 EndorsementCredential."""
    issuer = endorsement.get("issuer")
    claim = endorsement.get("claim") or endorsement.get("credentialSubject") or {}
    name = issuer.get("name") if isinstance(issuer, dict) else None
    url = (issuer.get("url") or issuer.get("id")) if isinstance(issuer, dict) else issuer
    comment = claim.get("endorsementComment") if isinstance(claim, dict) else None
    return {
        "name": name if isinstance(name, str) else None,
        "url": url if isinstance(url, str) and url.startswith(("http://", "https://")) else None,
        "comment": comment if isinstance(comment, str) else None,
    }
