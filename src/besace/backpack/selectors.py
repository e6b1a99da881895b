"""Reads of an earner's backpack."""

from django.db.models import QuerySet

from besace.accounts.services import verified_emails
from besace.backpack.models import BackpackBadge
from besace.issuing.models import Assertion


def pending_assertions(user) -> QuerySet[Assertion]:
    """Awards to any of the user's verified addresses that they have neither accepted nor declined."""
    return (
        Assertion.objects.filter(
            recipient_email__in=verified_emails(user),
            recipient_state=Assertion.RecipientState.PENDING,
            revoked_at__isnull=True,
        )
        .select_related("badge_class__issuer")
        .order_by("-issued_on")
    )


def _entries(user) -> QuerySet[BackpackBadge]:
    return BackpackBadge.objects.filter(owner=user).select_related("assertion__badge_class__issuer")


def backpack_badges(user) -> QuerySet[BackpackBadge]:
    """The badges in the backpack: not those an app sent that wait for the earner's approval."""
    return _entries(user).filter(state=BackpackBadge.State.ACCEPTED)


def backpack_badge_get(user, public_id: str) -> BackpackBadge | None:
    return backpack_badges(user).filter(public_id=public_id).first()


def pending_pushed_badges(user) -> QuerySet[BackpackBadge]:
    """Badges connected apps sent, waiting for the earner to accept or decline them."""
    return _entries(user).filter(state=BackpackBadge.State.PENDING).order_by("-accepted_at", "-id")


def pending_pushed_badge_get(user, public_id: str) -> BackpackBadge | None:
    return pending_pushed_badges(user).filter(public_id=public_id).first()
