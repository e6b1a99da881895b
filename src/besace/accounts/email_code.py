"""The page where the 6-digit code e-mailed to an address is entered: allauth's, with clearer outcomes.

allauth's own view says nothing when the code has expired, and after the last wrong code speaks of
failed *logins* and sends a signed-in person to the login page; it also refuses an address another
account merely claimed without verifying it. This subclass is served at allauth's URL (accounts/urls.py
comes first), so every reverse("account_email_verification_sent") reaches it.
"""

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import BaseConfirmCodeForm, ConfirmEmailVerificationCodeForm
from allauth.account.internal.flows.email_verification_by_code import (
    EMAIL_VERIFICATION_CODE_SESSION_KEY,
    EmailVerificationProcess,
)
from allauth.account.views import ConfirmEmailVerificationCodeView
from allauth.core.ratelimit import RateLimited
from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from besace.accounts.adapters import code_expired_message
from besace.accounts.services import email_address_taken_error


class EmailCodeForm(ConfirmEmailVerificationCodeForm):
    """allauth's code form, but another account's unverified claim on the address does not block it.

    The right code proves control of the address, so such claims give way (see
    services.email_unverified_claims_release); an address verified by another account is still refused.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(inputmode="numeric", autofocus=True)
        self.fields["code"].help_text = _("The 6 digits in the e-mail we have just sent.")

    def clean_code(self) -> str:
        if self.user is None:
            # A make-believe verification (allauth's enumeration prevention): keep allauth's behaviour.
            return super().clean_code()
        code = BaseConfirmCodeForm.clean_code(self)
        taken = email_address_taken_error(user=self.user, email=self.email)
        if taken:
            raise forms.ValidationError(taken)
        return code


class EmailCodeView(ConfirmEmailVerificationCodeView):
    form_class = EmailCodeForm

    def dispatch(self, request, *args, **kwargs):
        # resume() ends an expired verification, after which allauth's view silently redirects.
        pending = request.session.get(EMAIL_VERIFICATION_CODE_SESSION_KEY)
        if pending and not EmailVerificationProcess.resume(request):
            messages.error(request, code_expired_message(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeout_minutes"] = app_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60
        return context

    def _resend_form_valid(self, form):
        # allauth sends a new code; the same one again instead: the first e-mail, held up while the mail
        # server was down, may still arrive, and its code must work too. The code keeps its expiry.
        try:
            self._process.send(skip_enumeration_mails=True)
        except RateLimited:
            messages.error(self.request, get_adapter().error_messages["rate_limited"])
        else:
            self._process.record_resend()
            self._process.persist()
            if self._process.did_send:  # else allauth said why (sent too often)
                messages.info(self.request, _("The code is on its way again."))
        return redirect(self.passthrough_next_url(reverse("account_email_verification_sent")))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        # After the last wrong code allauth sends everyone to the login page (the message is replaced by
        # AccountAdapter.add_message); a signed-in person was adding an address, so back to that page.
        if self.request.user.is_authenticated and getattr(response, "url", None) == reverse("account_login"):
            return redirect("account_email")
        return response


email_code = EmailCodeView.as_view()
