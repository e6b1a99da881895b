"""Earner-side operations on awards: accept into the backpack, or decline."""

from django.db import transaction
from django.utils.translation import gettext as _

from besace.accounts.services import AddressTakenError, email_address_verify_by_link, verified_emails
from besace.backpack.models import BackpackBadge
from besace.core.audit import audit_record
from besace.issuing.models import Assertion
from besace.issuing.normalise import assertion_normalised
from besace.openbadges.verify.serialise import badge_to_json


class AwardStateError(Exception):
    """The award cannot take this step (revoked, already decided, or not addressed to this person)."""


def _lock_pending(assertion: Assertion) -> Assertion:
    locked = Assertion.objects.select_for_update().get(pk=assertion.pk)
    if locked.revoked:
        raise AwardStateError(_("This badge was revoked by its issuer."))
    if locked.recipient_state == Assertion.RecipientState.DECLINED:
        raise AwardStateError(_("This badge was declined."))
    return locked


def award_entry_fields(assertion: Assertion) -> dict:
    """What a backpack keeps of a Besace award: its normalised snapshot and the fields read from it."""
    badge = assertion_normalised(assertion)
    return {
        "public_id": assertion.public_id,
        "source": BackpackBadge.Source.AWARD,
        "version": badge.version,
        "badge_id": badge.id,
        "name": badge.achievement.name,
        "issuer_name": badge.issuer.name,
        "issued_on": badge.issued_on,
        "expires": badge.expires,
        "normalised": badge_to_json(badge),
        "original": badge.original,
    }


@transaction.atomic
def assertion_accept(*, assertion: Assertion, user) -> BackpackBadge:
    assertion = _lock_pending(assertion)
    if assertion.recipient_email not in verified_emails(user):
        raise AwardStateError(_("This badge was awarded to an address that is not verified on your account."))
    existing = BackpackBadge.objects.filter(assertion=assertion).first()
    if existing is not None:
        if existing.owner_id != user.pk:
            raise AwardStateError(_("This badge is already in another backpack."))
        return existing
    # get_or_create: where the row lock is a no-op (SQLite), a concurrent accept that got here first
    # makes the unique constraint fire; the entry it made is returned instead of an error.
    entry, created = BackpackBadge.objects.get_or_create(
        owner=user, assertion=assertion, defaults=award_entry_fields(assertion)
    )
    if created:
        award_mark_accepted(assertion=assertion, user=user)
    return entry


def award_mark_accepted(*, assertion: Assertion, user, via: str = "") -> None:
    assertion.recipient_state = Assertion.RecipientState.ACCEPTED
    assertion.save(update_fields=["recipient_state"])
    audit_record(action="assertion.accepted", target=assertion, actor=user, via=via or None)


@transaction.atomic
def assertion_claim(*, assertion: Assertion, user) -> BackpackBadge:
    """Accept from the claim link. Following the link proved control of the recipient address, so the
    address is added to the account as verified first; both happen, or neither."""
    try:
        email_address_verify_by_link(user=user, email=assertion.recipient_email)
    except AddressTakenError as error:
        raise AwardStateError(str(error)) from error
    return assertion_accept(assertion=assertion, user=user)


@transaction.atomic
def assertion_decline(*, assertion: Assertion, user=None) -> Assertion:
    """Decline an award; `user` is None when declined from the claim link without an account."""
    assertion = _lock_pending(assertion)
    if assertion.recipient_state == Assertion.RecipientState.ACCEPTED:
        raise AwardStateError(_("This badge is already in a backpack."))
    if user is not None and assertion.recipient_email not in verified_emails(user):
        raise AwardStateError(_("This badge was awarded to an address that is not verified on your account."))
    assertion.recipient_state = Assertion.RecipientState.DECLINED
    assertion.save(update_fields=["recipient_state"])
    audit_record(action="assertion.declined", target=assertion, actor=user)
    return assertion
