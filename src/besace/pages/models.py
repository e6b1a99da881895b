"""Portfolio pages: an earner arranges blocks (headings, text, badges, collections, files…) on a page
and shares it with a link, as the page's visibility allows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from besace.backpack.models import BackpackBadge, Collection
from besace.core.models import new_public_id


class Page(models.Model):
    class Theme(models.TextChoices):
        CLAIR = "clair", _("Light")
        SOMBRE = "sombre", _("Dark")
        INSTITUTIONNEL = "institutionnel", _("Institutional")
        COLORE = "colore", _("Colourful")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private")
        SIGNED_IN = "signed_in", _("Signed-in users")
        PUBLIC = "public", _("Public")
        PASSWORD = "password", _("Anyone with the password")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pages")
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, default=Theme.CLAIR)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # Django's make_password; empty unless the visibility is "password".
    password_hash = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Block(models.Model):
    """One piece of a page. Which fields hold its content depends on its kind."""

    class Kind(models.TextChoices):
        HEADING = "heading", _("Heading")
        TEXT = "text", _("Text")
        BADGE = "badge", _("Badge")
        COLLECTION = "collection", _("Collection")
        TAG = "tag", _("Badges with a tag")
        FILE = "file", _("File")
        PROFILE = "profile", _("Profile card")

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    # A heading's text, a text's Markdown, a tag, or a file's caption.
    text = models.TextField(blank=True)
    # A badge or collection that leaves the backpack takes its blocks with it.
    badge = models.ForeignKey(
        BackpackBadge, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="pages/", blank=True)
    # Recognised from the file's bytes when it was uploaded, never from its name.
    file_type = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.page}"

    @property
    def is_image(self) -> bool:
        return self.file_type.startswith("image/")

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
