from django import forms
from django.utils.translation import gettext_lazy as _

from besace.accounts.services import consent_record


class DataProtectionForm(forms.Form):
    accept_data_protection = forms.BooleanField(
        required=True,
        label=_("I have read and I accept the data-protection statement"),
        error_messages={"required": _("You must accept the data-protection statement to continue.")},
    )


class SignupExtraForm(DataProtectionForm):
    """Fields added to allauth's sign-up form."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    field_order = ["email", "first_name", "last_name", "password1", "password2", "accept_data_protection"]

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data.get("first_name", "")
        user.last_name = self.cleaned_data.get("last_name", "")
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save()
        consent_record(user=user)
