"""allauth signals for changes its adapters offer no hook for; each receiver hands over to a service."""

from allauth.account import signals as account_signals
from allauth.socialaccount import signals as social_signals
from django.dispatch import receiver

from besace.accounts import services


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
