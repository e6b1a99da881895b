"""allauth signals for changes its adapters offer no hook for; each receiver hands over to a service."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from allauth.socialaccount import signals as social_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from besace.accounts import services, throttling


@receiver(account_signals.user_signed_up)
def on_signed_up(sender, request, user, sociallogin=None, **kwargs):
    # One signal for both ways in; allauth's save_user hooks cannot tell a social sign-up with a form apart.
    services.signup_record(user=user, provider=sociallogin.account.provider if sociallogin else None)


@receiver(account_signals.email_removed)
def on_email_removed(sender, request, user, email_address, **kwargs):
    services.email_removed_record(user=user, email=email_address.email)


@receiver(account_signals.email_changed)
def on_primary_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    services.email_primary_changed_record(
        user=user,
        old_email=from_email_address.email if from_email_address else None,
        new_email=to_email_address.email,
    )


@receiver(social_signals.social_account_added)
def on_social_account_added(sender, request, sociallogin, **kwargs):
    services.social_account_connected_record(user=sociallogin.user, provider=sociallogin.account.provider)


@receiver(social_signals.social_account_removed)
def on_social_account_removed(sender, request, socialaccount, **kwargs):
    services.social_account_disconnected_record(user=socialaccount.user, provider=socialaccount.provider)


@receiver(account_signals.user_logged_in)
def on_logged_in(sender, request, user, sociallogin=None, **kwargs):
    # allauth's signal, not Django's: every way in through the site (password, provider, after the
    # two-factor step), and not the test client's force_login.
    method = sociallogin.account.provider if sociallogin else "password"
    services.login_succeeded_record(user=user, ip=throttling.client_ip(request), method=method)


@receiver(auth_signals.user_logged_out)
def on_logged_out(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:  # not an account just deleted
        services.logged_out_record(user=user, ip=throttling.client_ip(request))


_TWO_FACTOR_CHANGES = {
    (mfa_signals.authenticator_added, Authenticator.Type.TOTP): "enabled",
    (mfa_signals.authenticator_removed, Authenticator.Type.TOTP): "disabled",
    (mfa_signals.authenticator_reset, Authenticator.Type.RECOVERY_CODES): "recovery_codes.regenerated",
    (mfa_signals.authenticator_used, Authenticator.Type.RECOVERY_CODES): "recovery_code.used",
}


def _on_authenticator_event(signal, request, user, authenticator, **kwargs):
    change = _TWO_FACTOR_CHANGES.get((signal, authenticator.type))
    if change:
        services.two_factor_changed_record(user=user, change=change, ip=throttling.client_ip(request))


for _signal in (
    mfa_signals.authenticator_added,
    mfa_signals.authenticator_removed,
    mfa_signals.authenticator_reset,
    mfa_signals.authenticator_used,
):
    _signal.connect(_on_authenticator_event)


@receiver(mfa_signals.authentication_failed)
def on_two_factor_failed(sender, request, user, authenticator, **kwargs):
    services.two_factor_changed_record(user=user, change="failed", ip=throttling.client_ip(request))
