"""Our forms. allauth imports this module while building its own forms (ACCOUNT_SIGNUP_FORM_CLASS), so it
must not import allauth.account.forms: forms built on allauth's live in email_code.py."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from besace.accounts.models import User
from besace.accounts.services import consent_record


class DataProtectionForm(forms.Form):
    accept_data_protection = forms.BooleanField(
        required=True,
        label=_("I have read and I accept the data-protection statement"),
        error_messages={"required": _("You must accept the data-protection statement to continue.")},
    )


class SignupExtraForm(DataProtectionForm):
    """Fields added to allauth's sign-up forms (e-mail and social)."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    field_order = ["email", "first_name", "last_name", "password1", "password2", "accept_data_protection"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here, not at import time: reverse() needs the URLconf, and the text the active language.
        self.fields["accept_data_protection"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("accounts:data_protection"),
            gettext("Read the data-protection statement (opens in a new tab)"),
        )

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data.get("first_name", "")
        user.last_name = self.cleaned_data.get("last_name", "")
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save()
        consent_record(user=user)


class PushedBadgesForm(forms.Form):
    pushed_badges = forms.ChoiceField(
        label=_("Badges sent to my backpack by connected apps"),
        choices=User.PushedBadges.choices,
        widget=forms.RadioSelect,
    )
