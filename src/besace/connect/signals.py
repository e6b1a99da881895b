"""Tokens django-oauth-toolkit issues are recorded in the audit log."""

from django.dispatch import receiver
from oauth2_provider.signals import app_authorized

from besace.connect.services import token_issued_record


@receiver(app_authorized)
def _token_issued(sender, request=None, token=None, **kwargs):
    if token is not None:
        token_issued_record(token=token, grant_type=request.POST.get("grant_type", "") if request else "")
