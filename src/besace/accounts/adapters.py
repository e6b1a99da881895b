from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from besace.accounts import services, throttling
from besace.accounts.emails import account_email_send_task, email_to_task_data
from besace.openbadges.hashing import normalise_email


# What the code step says when it ends without a verified address (used here and in email_code.py).
def code_expired_message(request) -> str:
    if request.user.is_authenticated:
        return _("The code has expired, so the address was not added. Add it again to receive a new code.")
    return _("The code has expired. Sign in again to receive a new code.")


def too_many_wrong_codes_message(request) -> str:
    if request.user.is_authenticated:
        return _("Too many wrong codes, so the address was not added. Add it again to receive a new code.")
    return _("Too many wrong codes. Sign in again to receive a new code.")


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Written now, in the recipient's language, and sent by a retried task (see accounts/emails.py).
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        language = account_email_language(request, email=email, user=context.get("user"))
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx | context)
        message.extra_headers["Content-Language"] = language
        account_email_send_task.enqueue(email_to_task_data(message))

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts failures per address typed; one account with several addresses is one account.
        return throttling.login_throttle_key(credentials.get("email", credentials.get("username", "")))

    def validation_error(self, code, *args):
        # Every lockout (password, two-factor code) says how long to wait.
        if code == "too_many_login_attempts":
            return forms.ValidationError(throttling.lockout_message(), code=code)
        return super().validation_error(code, *args)

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            services.login_locked_record(
                login=credentials.get("email", ""),
                ip=throttling.client_ip(request),
                via=_via(request),
                minutes=settings.BESACE_LOGIN_LOCKOUT_MINUTES,
            )
            raise

    def authentication_failed(self, request, **credentials) -> None:
        services.login_failed_record(
            login=credentials.get("email", ""), ip=throttling.client_ip(request), via=_via(request)
        )

    def clean_email(self, email: str) -> str:
        return normalise_email(super().clean_email(email))

    def is_email_verified(self, request, email: str) -> bool:
        # A claim link proves control of its address (stashed by the claim view), case-insensitively.
        stashed = request.session.get("account_verified_email")
        return bool(stashed) and normalise_email(stashed) == normalise_email(email)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit)
        forget_claimed_email_unless(request, user.email)
        return user

    def get_login_redirect_url(self, request) -> str:
        return super().get_login_redirect_url(request) or reverse("backpack:home")

    def get_email_verification_redirect_url(self, email_address) -> str:
        # A signed-in person who just added an address goes back to the list of addresses, showing it.
        if self.request.user.is_authenticated:
            return reverse("account_email")
        return super().get_email_verification_redirect_url(email_address)

    def confirm_email(self, request, email_address) -> bool:
        """The right code was entered for `email_address` (an address being added is saved only now)."""
        added = email_address.pk is None
        try:
            services.email_unverified_claims_release(user=email_address.user, email=email_address.email)
        except services.AddressTakenError as taken:
            messages.error(request, str(taken))
            return False
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.email_verified_record(
                user=email_address.user, email=email_address.email, method="code", added=added
            )
        return confirmed

    def set_password(self, user, password: str) -> None:
        super().set_password(user, password)
        services.password_changed_record(user=user)

    def add_message(
        self, request, level, message_template=None, message_context=None, extra_tags="", message=None
    ):
        # allauth reports the last wrong e-mail code as too many failed *logins*: say what happened.
        if message == self.error_messages["too_many_login_attempts"] and request.path == reverse(
            "account_email_verification_sent"
        ):
            message = too_many_wrong_codes_message(request)
        super().add_message(request, level, message_template, message_context, extra_tags, message)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Providers' verified e-mails sign into the matching account (settings: EMAIL_AUTHENTICATION)."""

    def save_user(self, request, sociallogin, form=None):
        forget_claimed_email_unless(request, sociallogin.user.email)
        # As the e-mail sign-up does (SignupExtraForm.signup): the language the person arrived in.
        sociallogin.user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        return super().save_user(request, sociallogin, form)


def account_email_language(request, *, email: str, user=None) -> str:
    """The language an account e-mail is written in: that of the account it is about (a password reset
    asked from a browser in another language), else of the account holding the address (someone signing up
    with it), else of the page that sent it (the address has no account: it is the visitor's own)."""
    for account in (user, services.user_for_verified_email(email)):
        if getattr(account, "language", ""):
            return account.language
    return getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE


def forget_claimed_email_unless(request, email: str) -> None:
    """A claim link proves control of its own address only. Signing up with another address, allauth
    would still add the claimed one, verified and primary, and sign in without a code for the address
    typed; the claim link, followed again once signed in, offers to add it instead."""
    stashed = request.session.get("account_verified_email")
    if stashed and normalise_email(stashed) != normalise_email(email or ""):
        get_adapter(request).unstash_verified_email(request)


def _via(request) -> str:
    """Which door a sign-in came through, for the security log: the login page or Badgr's /o/token."""
    return "api" if request.path == reverse("api_token") else "page"
