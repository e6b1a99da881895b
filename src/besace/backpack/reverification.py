"""Stored badges are verified again: issuers revoke, keys change, badges expire.

A badge found revoked is marked and made private at once. Verification fetches remote documents, so it
runs outside any transaction; only the short write of its outcome is one.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from besace.accounts.services import verified_emails
from besace.backpack.models import BackpackBadge, Visibility
from besace.core.audit import audit_record
from besace.openbadges.verify.model import (
    CHECK_REVOCATION,
    CHECK_STRUCTURE,
    Fetcher,
    VerificationError,
)
from besace.openbadges.verify.serialise import checks_to_json
from besace.openbadges.verify.verifier import BadgeInput, verify_badge


def stale_badges() -> QuerySet[BackpackBadge]:
    """Imported badges last checked longer ago than the setting allows, oldest first."""
    limit = timezone.now() - timedelta(hours=settings.BESACE_REVERIFY_AFTER_HOURS)
    return BackpackBadge.objects.filter(source=BackpackBadge.Source.IMPORT, verified_at__lt=limit).order_by(
        "verified_at", "id"
    )


def is_stale(entry: BackpackBadge) -> bool:
    if entry.source != BackpackBadge.Source.IMPORT:
        return False  # Besace's own awards are read live from the issuing side
    limit = timezone.now() - timedelta(hours=settings.BESACE_REVERIFY_AFTER_HOURS)
    return entry.verified_at is None or entry.verified_at < limit


def badge_reverify(*, entry: BackpackBadge, fetcher: Fetcher) -> BackpackBadge:
    try:
        result = verify_badge(
            BadgeInput(text=entry.original), fetcher=fetcher, recipient_emails=verified_emails(entry.owner)
        )
        checks = checks_to_json(result.checks)
    except VerificationError as error:
        checks = [{"name": CHECK_STRUCTURE, "passed": False, "message": str(error)}]
    revocation = next((c for c in checks if c["name"] == CHECK_REVOCATION and not c["passed"]), None)
    with transaction.atomic():
        entry = BackpackBadge.objects.select_for_update().get(pk=entry.pk)
        entry.checks = checks
        entry.verified_at = timezone.now()
        fields = ["checks", "verified_at"]
        if revocation is not None and not entry.revoked:
            entry.revoked = True
            entry.revocation_reason = revocation["message"][:500]
            entry.visibility = Visibility.PRIVATE
            fields += ["revoked", "revocation_reason", "visibility"]
            audit_record(action="backpack.badge.revoked_found", target=entry, reason=entry.revocation_reason)
        entry.save(update_fields=fields)
    return entry


def stale_badges_reverify(*, fetcher: Fetcher, limit: int | None = None) -> int:
    """Verify again at most ``limit`` stale badges, oldest first; returns how many were checked."""
    batch = list(stale_badges().select_related("owner")[: limit or settings.BESACE_REVERIFY_BATCH])
    for entry in batch:
        badge_reverify(entry=entry, fetcher=fetcher)
    return len(batch)
