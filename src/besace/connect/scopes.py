"""The OAuth2 scopes Besace offers (Open Badges 2.1 and 3.0), in plain words for the consent screen."""

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

OB21 = "https://purl.imsglobal.org/spec/ob/v2p1/scope/"
OB30 = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"

OB21_ASSERTION_READ = OB21 + "assertion.readonly"
OB21_ASSERTION_CREATE = OB21 + "assertion.create"
OB21_PROFILE_READ = OB21 + "profile.readonly"
OB21_PROFILE_UPDATE = OB21 + "profile.update"
OFFLINE_ACCESS = "offline_access"
OB30_CREDENTIAL_READ = OB30 + "credential.readonly"
OB30_CREDENTIAL_UPSERT = OB30 + "credential.upsert"
OB30_PROFILE_READ = OB30 + "profile.readonly"
OB30_PROFILE_UPDATE = OB30 + "profile.update"

# Moodle drops the first scope a manifest offers when it asks for authorization (it means to drop
# "profile" and "openid", absent here): the one it can do without comes first.
OB21_SCOPES = [
    OB21_ASSERTION_READ,
    OB21_ASSERTION_CREATE,
    OB21_PROFILE_READ,
    OB21_PROFILE_UPDATE,
    OFFLINE_ACCESS,
]
OB30_SCOPES = [
    OB30_CREDENTIAL_READ,
    OB30_CREDENTIAL_UPSERT,
    OB30_PROFILE_READ,
    OB30_PROFILE_UPDATE,
    OFFLINE_ACCESS,
]

DESCRIPTIONS = {
    OB21_ASSERTION_READ: _("See the badges in your backpack"),
    OB21_ASSERTION_CREATE: _("Add badges to your backpack"),
    OB21_PROFILE_READ: _("See your name and e-mail address"),
    OB21_PROFILE_UPDATE: _("Change your name"),
    OFFLINE_ACCESS: _("Keep this access while you are away, until you revoke it"),
    OB30_CREDENTIAL_READ: _("See the badges in your backpack"),
    OB30_CREDENTIAL_UPSERT: _("Add badges to your backpack, and update those it added"),
    OB30_PROFILE_READ: _("See your name and e-mail address"),
    OB30_PROFILE_UPDATE: _("Change your name"),
}
ALL_SCOPES = list(DESCRIPTIONS)

# As the specifications word them, for the machine-readable documents.
SPEC_DESCRIPTIONS = {
    OB21_ASSERTION_READ: "Permission to read assertions for the authenticated entity.",
    OB21_ASSERTION_CREATE: "Permission to create assertions for the authenticated entity.",
    OB21_PROFILE_READ: "Permission to read the profile for the authenticated entity.",
    OB21_PROFILE_UPDATE: "Permission to update the profile for the authenticated entity.",
    OFFLINE_ACCESS: "Permission to obtain refresh tokens.",
    OB30_CREDENTIAL_READ: "Permission to read AchievementCredentials for the authenticated entity.",
    OB30_CREDENTIAL_UPSERT: (
        "Permission to create or update AchievementCredentials for the authenticated entity."
    ),
    OB30_PROFILE_READ: "Permission to read the profile for the authenticated entity.",
    OB30_PROFILE_UPDATE: "Permission to update the profile for the authenticated entity.",
}


def plain_descriptions(scopes: list[str]) -> list[str]:
    """What the scopes let a client do, in the active language, each said once."""
    said: list[str] = []
    for scope in scopes:
        description = str(DESCRIPTIONS.get(scope, scope))
        if description not in said:
            said.append(description)
    return said


def registered_scopes(application) -> list[str]:
    """The scopes a client registered for (all of them for clients made by an administrator)."""
    metadata = getattr(application, "metadata", None) if application is not None else None
    if metadata is None:
        return list(ALL_SCOPES)
    return [scope for scope in metadata.scope.split() if scope in DESCRIPTIONS]


class RegisteredScopes(BaseScopes):
    """django-oauth-toolkit's scopes backend: a client may ask only for what it registered."""

    def get_all_scopes(self):
        return DESCRIPTIONS

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return registered_scopes(application)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return registered_scopes(application)
