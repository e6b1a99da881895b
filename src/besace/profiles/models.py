from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from besace.backpack.models import Visibility
from besace.core.text import markdown_to_safe_html
from besace.gallery.search_text import fold

# Paths under /people/ that are not profiles.
RESERVED_SLUGS = {"me"}


class Profile(models.Model):
    """What an earner tells others about themselves. Private until they choose otherwise.

    Created on demand (the first time it is read or edited): accounts that never open their profile
    settings have none, which means a private profile.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    slug = models.SlugField(_("address of your profile page"), max_length=60, unique=True)
    display_name = models.CharField(
        _("name shown"), max_length=100, blank=True, help_text=_("Leave empty to use your account name.")
    )
    bio = models.TextField(_("about you"), blank=True, help_text=_("Markdown is allowed."))
    website = models.URLField(_("website"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    show_location = models.BooleanField(
        _("show my city and country on my profile and in the gallery search"), default=True
    )
    show_on_map = models.BooleanField(
        _("place me on the gallery map (by my city and country)"), default=False
    )
    show_badges = models.BooleanField(_("list my public badges on my profile"), default=True)
    show_collections = models.BooleanField(_("list my public collections on my profile"), default=True)
    visibility = models.CharField(
        _("who may see my profile"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # The shown name, folded (besace.gallery.search_text.fold): what the gallery's profile search matches,
    # from a full-text index on PostgreSQL. Never the account's real name behind a display name.
    name_folded = models.CharField(max_length=300, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.display_name or self.user.get_full_name())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        # Never the e-mail address: it is not for others to see.
        return self.display_name or self.user.get_full_name() or self.slug

    @property
    def bio_html(self):
        return markdown_to_safe_html(self.bio)

    @property
    def shown_city(self) -> str:
        return self.city if self.show_location else ""

    @property
    def shown_country(self) -> str:
        return self.country if self.show_location else ""

    @property
    def on_map(self) -> bool:
        """Placed on the map: opted in, public, and with a country to place them in."""
        return self.show_on_map and self.visibility == Visibility.PUBLIC and bool(self.country)
