from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from besace.core.models import new_public_id
from besace.issuing.models import Assertion


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private")
    SIGNED_IN = "signed_in", _("Signed-in users")
    PUBLIC = "public", _("Public")


class BackpackBadge(models.Model):
    """A badge an earner keeps: awarded on Besace (``assertion``), or imported from anywhere.

    What the badge says is kept as a normalised snapshot (any Open Badges version), with the original
    document and image as received, and the outcome of its last verification.
    """

    class Source(models.TextChoices):
        AWARD = "award", _("Awarded on Besace")
        IMPORT = "import", _("Imported")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backpack_badges"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AWARD)
    assertion = models.ForeignKey(
        Assertion, null=True, blank=True, on_delete=models.CASCADE, related_name="backpack_entries"
    )
    version = models.CharField(max_length=5, blank=True)
    badge_id = models.CharField(max_length=500, blank=True, help_text="The assertion or credential id.")
    name = models.CharField(max_length=300, blank=True)
    issuer_name = models.CharField(max_length=300, blank=True)
    issued_on = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)
    image = models.FileField(upload_to="backpack/", blank=True)
    normalised = models.JSONField(default=dict, blank=True)
    original = models.TextField(blank=True)
    checks = models.JSONField(default=list, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revocation_reason = models.CharField(max_length=500, blank=True)
    accepted_at = models.DateTimeField(auto_now_add=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "assertion"],
                condition=Q(assertion__isnull=False),
                name="one_backpack_entry_per_award",
            ),
            models.UniqueConstraint(
                fields=["owner", "badge_id"],
                condition=~Q(badge_id=""),
                name="one_backpack_entry_per_badge_id",
            ),
        ]
        indexes = [models.Index(fields=["verified_at"], name="backpack_verified_at")]

    def __str__(self) -> str:
        return f"{self.name} in {self.owner}'s backpack"

    @property
    def image_url(self) -> str:
        if self.assertion_id:
            return self.assertion.badge_class.image_url
        return reverse("backpack:image", args=[self.public_id]) if self.image else ""

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    @property
    def is_revoked(self) -> bool:
        """Revoked by its issuer: live for Besace awards, as last verified for imports."""
        return self.assertion.revoked if self.assertion_id else self.revoked
