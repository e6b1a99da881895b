"""Issuers' private signing keys are stored encrypted, so that a copy of the database (a dump, a backup, a
stolen disk) gives no one the power to sign in an issuer's name.

The encryption is Fernet from pyca/cryptography (AES-128-CBC with HMAC-SHA256), under the keys of the
BESACE_KEY_ENCRYPTION_KEYS setting: the first encrypts, all decrypt. To change it, an operator puts a new
key first, runs `besace rotate_key_encryption`, then removes the old key. Without the setting (development,
tests) one key is derived from SECRET_KEY, which `check --deploy` reports (besace.issuing.checks).
"""

import base64
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "BESACE_KEY_ENCRYPTION_KEYS"
Key = TypeVar("Key")


def is_configured() -> bool:
    return bool(settings.BESACE_KEY_ENCRYPTION_KEYS)


def encryption_keys() -> tuple[str, ...]:
    return tuple(settings.BESACE_KEY_ENCRYPTION_KEYS) or (development_key(settings.SECRET_KEY),)


def development_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY, for sites that do not set BESACE_KEY_ENCRYPTION_KEYS."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"besace signing-key encryption")
    return base64.urlsafe_b64encode(derived.derive(secret_key.encode())).decode()


def check_keys() -> None:
    """ImproperlyConfigured unless every key of the setting is a Fernet key."""
    _fernet(encryption_keys())


def encrypt(private_key_pem: str) -> str:
    return _fernet(encryption_keys()).encrypt(private_key_pem.encode()).decode()


def decrypt(encrypted: str) -> str:
    return _decrypt(encrypted, encryption_keys())


def reencrypt(encrypted: str) -> str:
    """The same private key, encrypted with the first key of the setting."""
    try:
        return _fernet(encryption_keys()).rotate(encrypted.encode()).decode()
    except InvalidToken:
        raise _undecryptable() from None


def load_private_key(encrypted: str, load: Callable[[str], Key]) -> Key:
    """``load`` (a PEM parser) applied to the decrypted key, once per process and key: parsing and
    validating an RSA key costs as much as a hundred signatures."""
    return _load_private_key(encrypted, load, encryption_keys())


@lru_cache(maxsize=256)
def _load_private_key(encrypted: str, load: Callable[[str], Key], keys: tuple[str, ...]) -> Key:
    # The setting's keys are part of the cache key: a key that no longer decrypts is never served from here.
    return load(_decrypt(encrypted, keys))


def _decrypt(encrypted: str, keys: tuple[str, ...]) -> str:
    try:
        return _fernet(keys).decrypt(encrypted.encode()).decode()
    except InvalidToken:
        raise _undecryptable() from None


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{SETTING}: each key must be 32 url-safe base64-encoded bytes, as made by "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        ) from error


def _undecryptable() -> ImproperlyConfigured:
    # Never a new key in its place: what the old key signed would stop verifying.
    source = SETTING if is_configured() else f"the key derived from SECRET_KEY ({SETTING} is not set)"
    return ImproperlyConfigured(
        f"A private signing key cannot be decrypted with {source}: the key it was encrypted with is "
        f"missing. Add that key back to {SETTING} (anywhere in the list)."
    )
