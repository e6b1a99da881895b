from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from besace.gallery.selectors import BadgeSearch

SORT_CHOICES = [
    ("updated", _("Recently modified")),
    ("name", _("Name")),
    ("issuer", _("Issuer name")),
    ("recipients", _("Number of recipients")),
]


def _country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Country"), required=False, choices=lambda: [("", _("Any country")), *countries]
    )


class BadgeSearchForm(forms.Form):
    """The simple search box (keywords) and the advanced criteria; every field is optional."""

    keywords = forms.CharField(label=_("Keywords"), required=False, max_length=200)
    name = forms.CharField(label=_("Badge name"), required=False, max_length=200)
    recipient = forms.CharField(label=_("Recipient name"), required=False, max_length=200)
    issuer = forms.CharField(label=_("Issuer"), required=False, max_length=200)
    country = _country_field()
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    ADVANCED = ("name", "recipient", "issuer", "country", "tag")

    def search(self) -> BadgeSearch:
        """The criteria; invalid ones (an unknown country...) are dropped rather than failing the page."""
        self.is_valid()
        data = self.cleaned_data  # the valid fields only
        criteria = {name: data.get(name) or "" for name in self.fields if name != "sort"}
        return BadgeSearch(**criteria, sort=data.get("sort") or "updated")

    def advanced_used(self) -> bool:
        return any(self.data.get(name) for name in self.ADVANCED)


class ProfileSearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    country = _country_field()


class PageSearchForm(forms.Form):
    q = forms.CharField(label=_("Search pages"), required=False, max_length=200)
