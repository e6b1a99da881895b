from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse

from besace.openbadges.hashing import normalise_email


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return normalise_email(super().clean_email(email))

    def is_email_verified(self, request, email: str) -> bool:
        # A claim link proves control of its address (stashed by the claim view), case-insensitively.
        stashed = request.session.get("account_verified_email")
        return bool(stashed) and normalise_email(stashed) == normalise_email(email)

    def get_login_redirect_url(self, request) -> str:
        return super().get_login_redirect_url(request) or reverse("backpack:home")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Providers' verified e-mails sign into the matching account (settings: EMAIL_AUTHENTICATION)."""
