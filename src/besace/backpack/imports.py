"""Importing a badge from anywhere into a backpack: verified first, stored only when it holds."""

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from besace.accounts.deletion import files_delete_on_commit
from besace.accounts.services import verified_emails
from besace.backpack.models import BackpackBadge
from besace.backpack.services import award_mark_accepted
from besace.core.audit import audit_record
from besace.core.images import raster_check, svg_check
from besace.issuing.selectors import assertion_for_badge_id
from besace.openbadges.errors import OpenBadgesError
from besace.openbadges.images import ImageType, bake_badge_image, read_image_payload, sniff_image_type
from besace.openbadges.verify.model import (
    CHECK_RECIPIENT,
    Check,
    Fetcher,
    NormalisedBadge,
    VerificationError,
    VerificationResult,
)
from besace.openbadges.verify.serialise import badge_to_json, checks_to_json
from besace.openbadges.verify.verifier import BadgeInput, verify_badge

IMAGE_ACCEPT = "image/png, image/svg+xml"
MAX_DATA_URI_CHARS = 4 * 1024 * 1024


class ImportRefused(Exception):
    """The badge cannot be imported; ``result`` says which checks failed when it could be verified."""

    def __init__(self, message: str, result: VerificationResult | None = None):
        super().__init__(message)
        self.result = result

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.result.checks if not c.passed] if self.result else []

    @property
    def description(self) -> str:
        """Why, naming each check that failed (for API answers)."""
        details = "; ".join(f"{c.name}: {c.message}" for c in self.failed_checks)
        return f"{self} {details}".strip()

    @property
    def only_recipient_differs(self) -> bool:
        """Refused only because the badge is someone else's (not one of the user's verified addresses)."""
        return [c.name for c in self.failed_checks] == [CHECK_RECIPIENT]


class AlreadyInBackpack(Exception):
    def __init__(self, entry: BackpackBadge):
        super().__init__(_("This badge is already in your backpack."))
        self.entry = entry


def badge_import(
    *,
    user,
    source: BadgeInput,
    fetcher: Fetcher,
    pushed_by: str | None = None,
    recorded: Callable[[BackpackBadge], None] | None = None,
) -> BackpackBadge:
    """Verify `source` against the user's verified addresses and keep it in their backpack.

    `pushed_by` names the connected app that sent the badge (Moodle, an OAuth client...); an earner who
    asked to approve such badges first gets it pending, private, outside "My badges" until accepted.
    `recorded(entry)` runs in the transaction that stores the badge: what the caller notes of it (a batch
    import's line) is kept with it or not at all. The badge itself is kept once per (owner, badge id), a
    key the database enforces: importing it again, even after a crash, makes no second copy.
    """
    # Verification fetches remote documents: done before, and outside, the database transaction.
    try:
        result = verify_badge(source, fetcher=fetcher, recipient_emails=verified_emails(user))
    except VerificationError as error:
        raise ImportRefused(str(error)) from error
    if not result.valid or result.badge is None:
        raise ImportRefused(_("This badge did not pass verification, so it was not imported."), result)
    badge = result.badge
    _refuse_unstorable(badge)
    badge_id = badge.id or _content_id(badge)
    existing = BackpackBadge.objects.filter(owner=user, badge_id=badge_id).first()
    if existing is not None:
        if existing.state == BackpackBadge.State.PENDING and pushed_by is None:
            # The earner imports themselves a badge an app sent them: that says yes.
            return pushed_badge_accept(entry=existing, user=user)
        raise AlreadyInBackpack(existing)
    pending = pushed_by is not None and user.pushed_badges == user.PushedBadges.ASK
    image = _uploaded_image(source.image) if source.image is not None else _fetch_image(badge, fetcher)
    with transaction.atomic():
        entry = BackpackBadge(
            owner=user,
            source=BackpackBadge.Source.IMPORT,
            state=BackpackBadge.State.PENDING if pending else BackpackBadge.State.ACCEPTED,
            pushed_by=(pushed_by or "")[:200],
            badge_id=badge_id,
            **_verified_fields(result),
        )
        if image is not None:
            entry.image.save(f"{entry.public_id}.{image.kind}", ContentFile(image.data), save=False)
        entry.save()
        audit_record(
            action="backpack.badge.imported",
            target=entry,
            actor=user,
            version=badge.version,
            pushed_by=pushed_by,
            state=entry.state,
        )
        if not pending:
            _besace_award_accept(entry, user)
        if recorded is not None:
            recorded(entry)
    return entry


def _besace_award_accept(entry: BackpackBadge, user) -> None:
    """A Besace award imported as a badge (Moodle, a site issuer on Besace, sends its earners' badges back
    here by URL) is in the backpack: it leaves the pending awards, so the earner is not asked again."""
    award = assertion_for_badge_id(entry.badge_id)
    if award is not None and award.recipient_state == award.RecipientState.PENDING:
        award_mark_accepted(assertion=award, user=user, via="import")


def _verified_fields(result: VerificationResult) -> dict:
    """What a backpack entry keeps of a badge that passed verification."""
    badge = result.badge
    return {
        "version": badge.version,
        "name": badge.achievement.name[:300],
        "issuer_name": badge.issuer.name[:300],
        "issued_on": badge.issued_on,
        "expires": badge.expires,
        "normalised": badge_to_json(badge),
        "original": badge.original,
        "checks": checks_to_json(result.checks),
        "verified_at": timezone.now(),
    }


def badge_replace(
    *, entry: BackpackBadge, source: BadgeInput, fetcher: Fetcher, pushed_by: str
) -> BackpackBadge:
    """An app sends again a badge the backpack holds (same id): the new copy replaces the stored one once
    it verifies. ImportRefused when it does not (the stored one stays)."""
    if (source.text or "").strip() == entry.original.strip():
        return entry
    result = verify_badge(source, fetcher=fetcher, recipient_emails=verified_emails(entry.owner))
    if not result.valid or result.badge is None or (result.badge.id or "") != entry.badge_id:
        raise ImportRefused(
            _("The new copy of this badge did not pass verification; the stored one stays."), result
        )
    _refuse_unstorable(result.badge)
    with transaction.atomic():
        entry = BackpackBadge.objects.select_for_update().get(pk=entry.pk)
        for name, value in _verified_fields(result).items():
            setattr(entry, name, value)
        entry.save()
        audit_record(action="backpack.badge.replaced", target=entry, actor=entry.owner, pushed_by=pushed_by)
    return entry


def _lock_pending(entry: BackpackBadge, user) -> BackpackBadge:
    locked = BackpackBadge.objects.select_for_update().filter(pk=entry.pk, owner=user).first()
    if locked is None or locked.state != BackpackBadge.State.PENDING:
        raise ImportRefused(_("This badge is no longer waiting for your approval."))
    return locked


@transaction.atomic
def pushed_badge_accept(*, entry: BackpackBadge, user) -> BackpackBadge:
    """The earner takes a badge an app sent them into their backpack (still private)."""
    entry = _lock_pending(entry, user)
    entry.state = BackpackBadge.State.ACCEPTED
    entry.accepted_at = timezone.now()
    entry.save(update_fields=["state", "accepted_at"])
    _besace_award_accept(entry, user)
    audit_record(action="backpack.badge.push_accepted", target=entry, actor=user, pushed_by=entry.pushed_by)
    return entry


@transaction.atomic
def pushed_badge_decline(*, entry: BackpackBadge, user) -> None:
    """The earner refuses a badge an app sent them: it is deleted, the audit keeps what it was."""
    entry = _lock_pending(entry, user)
    audit_record(
        action="backpack.badge.push_declined",
        target=entry,
        actor=user,
        pushed_by=entry.pushed_by,
        badge_id=entry.badge_id,
        name=entry.name,
    )
    image = [(entry.image.storage, entry.image.name)] if entry.image else []
    entry.delete()
    files_delete_on_commit(image)


def _refuse_unstorable(badge: NormalisedBadge) -> None:
    # Valid JSON may carry "\u0000"; no database column can keep it (PostgreSQL refuses it).
    if _has_nul(badge.original) or _has_nul(badge_to_json(badge)):
        raise ImportRefused(_("This badge contains NUL characters, which cannot be stored."))


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _content_id(badge: NormalisedBadge) -> str:
    """Badges without an id (some OB 0.5 ones) are told apart by their content."""
    return "sha256:" + hashlib.sha256(badge.original.encode()).hexdigest()


@dataclass(frozen=True)
class _Image:
    data: bytes
    kind: ImageType


def _checked_image(data: bytes) -> _Image | None:
    """``data`` as an image to keep: None when it is no PNG or SVG (a PDF carrying the badge), and
    ValidationError when it fails the checks of every image Besace keeps."""
    kind = sniff_image_type(data)
    if kind == "png":
        raster_check(data, {"PNG"})
    elif kind == "svg":
        svg_check(data)
    return _Image(data, kind) if kind else None


def _uploaded_image(data: bytes) -> _Image | None:
    """The badge image the earner sent: refused with the reason, as they can see what they sent."""
    try:
        return _checked_image(data)
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from error


def _fetch_image(badge: NormalisedBadge, fetcher: Fetcher) -> _Image | None:
    """The badge's image, kept so the backpack still shows it if the issuer's site disappears; an image
    that fails the checks is not kept, the badge still is (the earner cannot mend the issuer's image)."""
    url = badge.achievement.image or ""
    if url.startswith("data:"):
        data = _data_uri_image(url)
    elif url.startswith(("http://", "https://")):
        try:
            document = fetcher.fetch(url, accept=IMAGE_ACCEPT)
        except OpenBadgesError:
            return None
        data = document.body if document.status == 200 else None
    else:
        return None
    try:
        return _checked_image(data) if data else None
    except ValidationError:
        return None


def _data_uri_image(uri: str) -> bytes | None:
    header, _comma, data = uri.partition(",")
    if not header.endswith(";base64") or len(data) > MAX_DATA_URI_CHARS:
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def imported_badge_baked(entry: BackpackBadge) -> tuple[bytes, str] | None:
    """The entry's image carrying the badge: as imported when it was baked, else baked now."""
    if not entry.image:
        return None
    with entry.image.open("rb") as handle:
        image = handle.read()
    kind = sniff_image_type(image)
    try:
        if read_image_payload(image) is not None:
            return image, kind
        baked = bake_badge_image(
            image,
            payload=entry.original,
            is_ob3_credential=entry.version == "3.0",
            hosted_url=entry.badge_id if entry.badge_id.startswith(("http://", "https://")) else None,
        )
    except OpenBadgesError:
        return None
    return baked, kind
