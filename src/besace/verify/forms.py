from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from besace.openbadges.verify.verifier import BadgeInput


class BadgeSourceForm(forms.Form):
    """A badge given as a baked image, a URL, or pasted JSON / compact JWS: exactly one of them."""

    image = forms.FileField(label=_("Badge image (PNG or SVG)"), required=False)
    # Any http(s) URL: which addresses may really be fetched is the fetcher's decision, not the form's.
    url = forms.CharField(label=_("Badge URL"), required=False, max_length=2000)
    text = forms.CharField(
        label=_("Badge JSON or signed badge (JWS)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        max_length=1_000_000,
    )

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image and image.size > settings.BESACE_MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is too large; the limit is %(limit)d KB.")
                % {"limit": settings.BESACE_MAX_IMPORT_BYTES // 1024}
            )
        return image

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
            raise forms.ValidationError(_("Enter a web address starting with http:// or https://."))
        return url

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ("image", "url", "text") if cleaned.get(name)]
        if len(given) != 1 and not self.errors:
            raise forms.ValidationError(_("Give the badge one way only: an image, a URL, or its text."))
        return cleaned

    def badge_input(self) -> BadgeInput:
        image = self.cleaned_data.get("image")
        if image:
            return BadgeInput(image=image.read())
        if self.cleaned_data.get("url"):
            return BadgeInput(url=self.cleaned_data["url"])
        return BadgeInput(text=self.cleaned_data["text"])
