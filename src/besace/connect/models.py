from django.conf import settings
from django.db import models


class ClientMetadata(models.Model):
    """What a client said about itself when it registered (RFC 7591), beside django-oauth-toolkit's
    Application, which holds its id, secret, type and redirect URIs."""

    class AuthMethod(models.TextChoices):
        CLIENT_SECRET_BASIC = "client_secret_basic"
        NONE = "none"

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="metadata"
    )
    client_uri = models.URLField(max_length=500, blank=True)
    logo_uri = models.URLField(max_length=500, blank=True)
    tos_uri = models.URLField(max_length=500, blank=True)
    policy_uri = models.URLField(max_length=500, blank=True)
    software_id = models.CharField(max_length=200, blank=True)
    software_version = models.CharField(max_length=200, blank=True)
    token_endpoint_auth_method = models.CharField(max_length=30, choices=AuthMethod.choices)
    grant_types = models.JSONField(default=list)
    response_types = models.JSONField(default=list)
    scope = models.TextField(help_text="The scopes the client may ask for, space-separated.")
    registered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"metadata of {self.application.name}"


class Connection(models.Model):
    """A client a user let into their account: what it may do, since when, when it last did something."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections")
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="connections"
    )
    scope = models.TextField()
    granted_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="one_connection_per_user_and_client")
        ]

    def __str__(self) -> str:
        return f"{self.application.name} for {self.user}"

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()
