from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from besace.issuing.models import Assertion


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private")
    SIGNED_IN = "signed_in", _("Signed-in users")
    PUBLIC = "public", _("Public")


class BackpackBadge(models.Model):
    """A badge an earner keeps in their backpack."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backpack_badges"
    )
    assertion = models.ForeignKey(Assertion, on_delete=models.CASCADE, related_name="backpack_entries")
    accepted_at = models.DateTimeField(auto_now_add=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "assertion"], name="one_backpack_entry_per_badge")
        ]

    def __str__(self) -> str:
        return f"{self.assertion} in {self.owner}'s backpack"
