"""The gallery's search index: public content only, denormalised for fast search and sorting.

Rows are written by besace.gallery.indexing (on every save of a backpack badge, assertion, profile or
account) and never by hand: a badge is here exactly while access.badge_visible_to(anonymous) shows it.
"""

from django.conf import settings
from django.db import models

from besace.backpack.models import BackpackBadge


class GalleryBadgeClass(models.Model):
    """One badge class (achievement) that at least one earner made public, with its recipient count."""

    key = models.CharField(max_length=24, primary_key=True)  # besace.gallery.keys.badge_class_key
    achievement_id = models.CharField(max_length=500)
    # The public badge whose snapshot describes the class (description, criteria, competences, image).
    representative = models.ForeignKey(BackpackBadge, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=300)
    issuer_name = models.CharField(max_length=300)
    image_url = models.CharField(max_length=500, blank=True)
    tags = models.JSONField(default=list)
    recipient_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()
    # Lower-case, accent-free copies searched by full text on PostgreSQL (GIN) and LIKE on SQLite.
    name_folded = models.CharField(max_length=300)
    issuer_folded = models.CharField(max_length=300)
    document = models.TextField()  # name, description, issuer and tags: the "keywords" criterion

    class Meta:
        indexes = [
            models.Index(fields=["-updated_at", "key"], name="gallery_class_updated"),
            models.Index(fields=["name_folded", "key"], name="gallery_class_name"),
            models.Index(fields=["issuer_folded", "name_folded", "key"], name="gallery_class_issuer"),
            models.Index(fields=["-recipient_count", "key"], name="gallery_class_recipients"),
        ]

    def __str__(self) -> str:
        return self.name


class GalleryTag(models.Model):
    """A tag of a badge class, folded, so that the tag criterion is an indexed equality."""

    badge_class = models.ForeignKey(GalleryBadgeClass, on_delete=models.CASCADE, related_name="tag_rows")
    tag = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "badge_class"], name="gallery_tag_once")]

    def __str__(self) -> str:
        return self.tag


class GalleryEntry(models.Model):
    """One public backpack badge: what the gallery may say about its earner, as they chose."""

    badge = models.OneToOneField(
        BackpackBadge, primary_key=True, on_delete=models.CASCADE, related_name="gallery_entry"
    )
    badge_class = models.ForeignKey(GalleryBadgeClass, on_delete=models.CASCADE, related_name="entries")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Empty unless the earner shows their name on this badge.
    recipient_name = models.CharField(max_length=300, blank=True)
    recipient_folded = models.CharField(max_length=300, blank=True)
    # From a public profile that shows its location (country: ISO 3166-1 alpha-2).
    country = models.CharField(max_length=2, blank=True)
    city = models.CharField(max_length=100, blank=True)
    on_map = models.BooleanField(default=False)  # the earner placed themselves on the map
    issued_on = models.DateTimeField(null=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["badge_class", "issued_on"], name="gallery_entry_class"),
            models.Index(fields=["country", "badge_class"], name="gallery_entry_country"),
            models.Index(fields=["country"], condition=models.Q(on_map=True), name="gallery_entry_map"),
            # The count of earners who keep their name hidden, from the index alone (a class page).
            models.Index(
                fields=["badge_class"], condition=models.Q(recipient_name=""), name="gallery_entry_unnamed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_id} in {self.badge_class_id}"
