from django import forms
from django.utils.translation import gettext_lazy as _

from besace.profiles.models import RESERVED_SLUGS, Profile


class ProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = Profile
        fields = [
            "visibility",
            "slug",
            "display_name",
            "bio",
            "website",
            "city",
            "country",
            "show_location",
            "show_on_map",
            "show_badges",
            "show_collections",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6}), "visibility": forms.RadioSelect}

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved; choose another."))
        return slug
