"""Verification results as people read them: each check with a translated name."""

from django.utils.translation import gettext_lazy as _

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


def checks_for_display(checks: list[dict]) -> list[dict]:
    """Stored or fresh checks (``{name, passed, message}``) with a ``label`` to show."""
    return [{**check, "label": CHECK_LABELS.get(check["name"], check["name"])} for check in checks]


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
