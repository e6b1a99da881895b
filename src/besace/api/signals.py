"""A new password ends every API session: tokens obtained with the old one are revoked."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from besace.api.tokens import tokens_revoke_all


@receiver(password_changed)
@receiver(password_reset)
@receiver(password_set)
def _revoke_api_tokens(sender, request=None, user=None, **kwargs):
    if user is not None:
        tokens_revoke_all(user=user, reason="password")
