"""Writes and reads about accounts: consents, e-mail addresses, language; each change is audited."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from besace.accounts.models import DataProtectionConsent, User
from besace.core.audit import audit_entries_for, audit_record
from besace.openbadges.hashing import normalise_email


class AddressTakenError(Exception):
    """The address belongs to another account (see email_address_taken_error)."""


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


def signup_record(*, user: User, provider: str | None) -> None:
    """`provider`: the social provider the account was made with; None for e-mail and password."""
    audit_record(action="account.signed_up", target=user, actor=user, provider=provider or "email")


def verified_emails(user: User) -> list[str]:
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return [normalise_email(e) for e in addresses]


def user_for_verified_email(email: str) -> User | None:
    verified = EmailAddress.objects.filter(email__iexact=normalise_email(email), verified=True)
    address = verified.select_related("user").first()
    return address.user if address else None


def email_address_taken_error(*, user: User, email: str) -> str | None:
    """Why `user` cannot take `email`, even after proving control of it; None when they can."""
    email = normalise_email(email)
    owner = user_for_verified_email(email)
    if owner is not None and owner != user:
        return _("The address %(email)s already belongs to another account.") % {"email": email}
    for holder in _holders_by_signup(user, email):
        if holder.last_login and not _other_addresses(holder, email).exists():
            # An account that has been used would be left without any address.
            return _("The address %(email)s is the only address of another account.") % {"email": email}
    return None


@transaction.atomic
def email_unverified_claims_release(*, user: User, email: str) -> None:
    """`user` just proved control of `email`: other accounts' unverified claims on it give way.

    An account that was signed up with it moves to its other address; one with no other address is a
    sign-up that was never confirmed (it could not sign in without that address) and is deleted.
    """
    email = normalise_email(email)
    taken = email_address_taken_error(user=user, email=email)
    if taken:
        raise AddressTakenError(taken)
    EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user=user).delete()
    for loser in _holders_by_signup(user, email):
        replacement = _other_addresses(loser, email).first()
        if replacement is None:
            audit_record(action="account.unconfirmed_signup.deleted", target=loser, actor=user, email=email)
            loser.delete()
        else:
            # set_as_primary also moves User.email, freeing the address for `user`.
            replacement.set_as_primary()
            audit_record(action="account.email.released", target=loser, actor=user, email=email)


def _holders_by_signup(user: User, email: str):
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk)


def _other_addresses(user: User, email: str):
    others = EmailAddress.objects.filter(user=user).exclude(email__iexact=email)
    return others.order_by("-verified", "-primary", "pk")


@transaction.atomic
def email_address_verify_by_link(*, user: User, email: str) -> EmailAddress:
    """The user followed a signed link sent to `email`: that proves they control it."""
    email = normalise_email(email)
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        email_unverified_claims_release(user=user, email=email)
        address = EmailAddress.objects.create(user=user, email=email, verified=True, primary=False)
        email_verified_record(user=user, email=email, method="claim_link", added=True)
    elif not address.verified:
        email_unverified_claims_release(user=user, email=email)
        address.verified = True
        address.save(update_fields=["verified"])
        email_verified_record(user=user, email=email, method="claim_link", added=False)
    return address


def email_verified_record(*, user: User, email: str, method: str, added: bool) -> None:
    """`added`: the address was not on the account before (verifying by code adds it only then)."""
    if added:
        audit_record(action="account.email.added", target=user, actor=user, email=email)
    audit_record(action="account.email.verified", target=user, actor=user, email=email, method=method)


def email_removed_record(*, user: User, email: str) -> None:
    audit_record(action="account.email.removed", target=user, actor=user, email=email)


def email_primary_changed_record(*, user: User, old_email: str | None, new_email: str) -> None:
    audit_record(
        action="account.email.primary_changed", target=user, actor=user, old=old_email, new=new_email
    )


def password_changed_record(*, user: User) -> None:
    # Covers change, first set (social accounts) and reset by e-mail link; never the password itself.
    audit_record(action="account.password.changed", target=user, actor=user)


def social_account_connected_record(*, user: User, provider: str) -> None:
    audit_record(action="account.social.connected", target=user, actor=user, provider=provider)


def social_account_disconnected_record(*, user: User, provider: str) -> None:
    audit_record(action="account.social.disconnected", target=user, actor=user, provider=provider)


def user_set_language(*, user: User, language: str) -> bool:
    """Remember `language` on the account; unknown codes change nothing. Returns whether it changed."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    old = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit_record(action="account.language.changed", target=user, actor=user, old=old, new=language)
    return True


def user_set_pushed_badges(*, user: User, choice: str) -> bool:
    """Whether badges connected apps send go straight into the backpack or wait for approval."""
    if choice not in User.PushedBadges.values or user.pushed_badges == choice:
        return False
    old = user.pushed_badges
    user.pushed_badges = choice
    user.save(update_fields=["pushed_badges"])
    audit_record(action="account.pushed_badges.changed", target=user, actor=user, old=old, new=choice)
    return True


def user_active_set(*, user: User, active: bool, actor) -> bool:
    """Let an account sign in again, or stop it (site operators): an inactive account's sessions and API
    tokens stop working at once. Returns whether it changed."""
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(action="account.reactivated" if active else "account.deactivated", target=user, actor=actor)
    return True


# --- Sign-in and two-factor events: the account's security log (shown to its owner, accounts.selectors) ---


def login_succeeded_record(*, user: User, ip: str, method: str) -> None:
    audit_record(action="account.login.succeeded", target=user, actor=user, ip=ip, method=method)


def login_failed_record(*, login: str, ip: str, via: str) -> None:
    """A wrong password for `login`; recorded only when it names an account (`via`: page or api)."""
    user = user_for_verified_email(login) if login else None
    if user is not None:
        audit_record(action="account.login.failed", target=user, ip=ip, via=via)


def login_locked_record(*, login: str, ip: str, via: str, minutes: int) -> None:
    """Sign-in refused by the throttle: recorded once per lockout period, however often it is tried."""
    user = user_for_verified_email(login) if login else None
    if user is None:
        return
    recent = timezone.now() - timedelta(minutes=minutes)
    if not audit_entries_for(user).filter(action="account.login.locked", created_at__gte=recent).exists():
        audit_record(action="account.login.locked", target=user, ip=ip, via=via)


def logged_out_record(*, user: User, ip: str) -> None:
    audit_record(action="account.logged_out", target=user, actor=user, ip=ip)


def two_factor_changed_record(*, user: User, change: str, ip: str) -> None:
    """`change`: enabled, disabled, recovery_codes.regenerated, recovery_code.used or failed."""
    actor = None if change == "failed" else user
    audit_record(action=f"account.two_factor.{change}", target=user, actor=actor, ip=ip)
