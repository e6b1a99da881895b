"""Recipient identity hashing (Open Badges IdentityObject).

OB 2.0 hashes are ``"<algorithm>$" + hex(digest(identity + salt))``; Besace issues
sha256, older badges also carry md5.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from .errors import OpenBadgesError

_DIGESTS = {"sha256": hashlib.sha256, "md5": hashlib.md5}


def hash_identity(identity: str, salt: str) -> str:
    """Return the OB 2.0 sha256 identity hash of ``identity`` salted with ``salt``."""
    return "sha256$" + hashlib.sha256(_utf8(identity + salt)).hexdigest()


def normalise_email(email: str) -> str:
    """Canonical form Besace hashes and compares e-mail addresses in."""
    return email.strip().lower()


def new_salt() -> str:
    """A fresh random salt, unguessable so hashes cannot be reversed by a dictionary."""
    return secrets.token_hex(16)


def identity_matches(identity_object: Mapping[str, Any], email: str) -> bool:
    """Whether an OB IdentityObject (``recipient``) designates ``email``.

    Plain identities compare case-insensitively. Hashed ones are tried with the
    lower-cased address and with the address as given, because issuers differ in
    whether they normalised it before hashing.
    """
    identity = identity_object.get("identity")
    if not isinstance(identity, str) or identity_object.get("type", "email") != "email":
        return False
    if not _is_true(identity_object.get("hashed", False)):
        return normalise_email(identity) == normalise_email(email)

    algorithm, separator, expected = identity.partition("$")
    digest = _DIGESTS.get(algorithm.lower())
    salt = identity_object.get("salt") or ""
    if not separator or digest is None or not isinstance(salt, str):
        return False
    candidates = {normalise_email(email), email.strip(), email}
    try:
        return any(
            # Bytes, because compare_digest refuses non-ASCII str and the hash is untrusted.
            hmac.compare_digest(
                digest(_utf8(candidate + salt)).hexdigest().encode("ascii"), _utf8(expected.lower())
            )
            for candidate in candidates
        )
    except OpenBadgesError:
        return False  # no issuer could have hashed a lone surrogate: it is no one's address


def _utf8(text: str) -> bytes:
    # JSON's "\ud800" is a lone surrogate: a Python str, yet no UTF-8 (the bytes every hash is over).
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise OpenBadgesError("the text holds a lone surrogate, which cannot be encoded") from error


def _is_true(value: object) -> bool:
    # OB 1.x issuers sometimes wrote "hashed": "true".
    return value is True or (isinstance(value, str) and value.lower() == "true")
