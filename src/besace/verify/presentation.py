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
