"""System checks of the signing-key encryption settings (besace.issuing.key_encryption)."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from besace.issuing import key_encryption


@checks.register(checks.Tags.security)
def key_encryption_keys_usable(app_configs, **kwargs) -> list[checks.CheckMessage]:
    try:
        key_encryption.check_keys()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="besace.issuing.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def key_encryption_keys_set(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if key_encryption.is_configured():
        return []
    return [
        checks.Error(
            f"{key_encryption.SETTING} is not set: issuers' private signing keys are encrypted with a key "
            "derived from SECRET_KEY, so whoever learns SECRET_KEY and gets a copy of the database can sign "
            "badges in their name, and changing SECRET_KEY makes every signing key unusable.",
            hint=f"Set {key_encryption.SETTING} to a key made with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'` "
            "and keep it apart from the database backups (see docs/deploy.md).",
            id="besace.issuing.E002",
        )
    ]
