from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from besace.issuing.images import validate_badge_image
from besace.issuing.models import Assertion, BadgeClass, Issuer, IssuerStaff


class ImageField(forms.FileField):
    """A PNG or SVG upload, checked for what it really is and for its size."""

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and uploaded is not initial:
            validate_badge_image(uploaded)
        return uploaded


class IssuerForm(forms.ModelForm):
    url = forms.URLField(label=_("Website"), max_length=200, assume_scheme="https")
    image = ImageField(label=_("Image (PNG or SVG)"), required=False)

    class Meta:
        model = Issuer
        fields = ["name", "description", "url", "email", "image"]


class BadgeClassForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    image = ImageField(label=_("Image (PNG or SVG)"))
    criteria_text = forms.CharField(
        label=_("Criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the earner did to receive the badge. Markdown is allowed."),
    )
    criteria_url = forms.URLField(label=_("Criteria URL"), required=False, assume_scheme="https")
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    expires_after_days = forms.IntegerField(
        label=_("Expires after (days)"), required=False, min_value=1, max_value=36500
    )
    expires_on = forms.DateTimeField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Not required: a client that leaves it out (an older form, a script) gets the default, hosted.
    verification = forms.TypedChoiceField(
        label=_("Verification"),
        choices=BadgeClass.Verification.choices,
        initial=BadgeClass.Verification.HOSTED,
        required=False,
        empty_value=BadgeClass.Verification.HOSTED,
        widget=forms.RadioSelect,
        help_text=_(
            "What the earner downloads as the badge. Hosted: the image points to the badge's page on "
            "Besace, where it is checked. Signed: the image carries the issuer's digital signature, so it "
            "can be checked even where Besace cannot be reached. Both forms stay available."
        ),
    )

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on is not None and expires_on <= timezone.now():
            raise forms.ValidationError(_("The expiry date must be in the future."))
        return expires_on

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("criteria_text") and not cleaned.get("criteria_url"):
            self.add_error("criteria_text", _("Give the criteria as text, as a URL, or both."))
        if cleaned.get("expires_after_days") and cleaned.get("expires_on"):
            self.add_error(
                "expires_on", _("Choose one kind of expiry: after a number of days, or on a date.")
            )
        return cleaned


class AlignmentForm(forms.Form):
    target_name = forms.CharField(label=_("Competence"), max_length=300)
    target_url = forms.URLField(
        label=_("URL"), max_length=500, assume_scheme="https", help_text=_("For example an ESCO skill URI.")
    )
    target_description = forms.CharField(label=_("Description"), required=False)
    target_framework = forms.CharField(label=_("Framework"), max_length=200, required=False)
    target_code = forms.CharField(label=_("Code"), max_length=200, required=False)


AlignmentFormSet = formset_factory(AlignmentForm, extra=2, max_num=20)


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class AwardForm(forms.Form):
    """One award; also checks each row of a CSV file and the `award` command's arguments."""

    email = forms.EmailField(label=_("Recipient's e-mail address"))
    name = forms.CharField(
        label=_("Recipient's name"), max_length=_max_length(Assertion, "recipient_name"), required=False
    )
    narrative = forms.CharField(
        label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_url = forms.URLField(
        label=_("Evidence URL"),
        required=False,
        assume_scheme="https",
        max_length=_max_length(Assertion, "evidence_url"),
    )
    evidence_narrative = forms.CharField(
        label=_("Evidence description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    issued_on = forms.DateTimeField(
        label=_("Issue date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for now."),
    )

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on is not None and issued_on > timezone.now():
            raise forms.ValidationError(_("The issue date cannot be in the future."))
        return issued_on

    def error_lines(self) -> list[str]:
        """Each error as one self-explanatory line ("Evidence URL: Enter a valid URL.")."""
        return [
            gettext("%(field)s: %(error)s") % {"field": self.fields[name].label, "error": message}
            if name in self.fields
            else str(message)
            for name, messages in self.errors.items()
            for message in messages
        ]


class AwardCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email (required), name, narrative, evidence_url. Comma or semicolon separated."
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.BESACE_MAX_CSV_BYTES:
            raise forms.ValidationError(
                _("The file is too large; the limit is %(limit)d KB.")
                % {"limit": settings.BESACE_MAX_CSV_BYTES // 1024}
            )
        return uploaded


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class StaffForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"))
    role = forms.ChoiceField(label=_("Role"), choices=IssuerStaff.Role.choices)
