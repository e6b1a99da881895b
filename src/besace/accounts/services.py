"""Writes and reads about accounts: consents, e-mail addresses, language."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from besace.accounts.models import DataProtectionConsent, User
from besace.core.audit import audit_record
from besace.openbadges.hashing import normalise_email


class AddressTakenError(Exception):
    """The address is verified by another account."""


def consent_has_current(user: User) -> bool:
    return DataProtectionConsent.objects.filter(
        user=user, version=settings.BESACE_DATA_PROTECTION_VERSION
    ).exists()


def consent_record(*, user: User) -> DataProtectionConsent:
    consent, created = DataProtectionConsent.objects.get_or_create(
        user=user, version=settings.BESACE_DATA_PROTECTION_VERSION
    )
    if created:
        audit_record(action="account.consent.accepted", target=user, actor=user, version=consent.version)
    return consent


def verified_emails(user: User) -> list[str]:
    return [
        normalise_email(e) for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    ]


def user_for_verified_email(email: str) -> User | None:
    address = (
        EmailAddress.objects.filter(email__iexact=normalise_email(email), verified=True).select_related("user").first()
    )
    return address.user if address else None


@transaction.atomic
def email_address_verify_by_link(*, user: User, email: str) -> EmailAddress:
    """The user followed a signed link sent to `email`: that proves they control it."""
    email = normalise_email(email)
    owner = user_for_verified_email(email)
    if owner is not None and owner != user:
        raise AddressTakenError(_("The address %(email)s already belongs to another account.") % {"email": email})
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        # Unverified claims of the same address by other accounts lose: this account just proved control.
        EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user=user).delete()
        address = EmailAddress.objects.create(user=user, email=email, verified=True, primary=False)
        audit_record(action="account.email.verified", target=user, actor=user, email=email, method="claim_link")
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
        audit_record(action="account.email.verified", target=user, actor=user, email=email, method="claim_link")
    return address


def user_set_language(*, user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
