from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token pair for the Badgr-compatible API (Moodle's OBv2.0 backpack connection).

    Only SHA-256 hashes of the random tokens are stored: a leaked table does not give access.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    access_hash = models.CharField(max_length=64, unique=True)
    refresh_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"API token {self.pk} of {self.user}"
