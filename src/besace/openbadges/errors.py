"""Exceptions raised by ``besace.openbadges``.

Callers can catch ``OpenBadgesError`` alone: parsing untrusted images never leaks
``ValueError``, ``zlib.error`` or XML parser errors.
"""


class OpenBadgesError(Exception):
    """Base class of every error raised by this package."""


class BakingError(OpenBadgesError):
    """An image could not be baked or unbaked (malformed, too large, unsupported)."""


class UnknownContextError(OpenBadgesError, KeyError):
    """No JSON-LD context is shipped for this URL (and none is ever fetched)."""

    def __str__(self) -> str:
        # KeyError would repr() the message and add quotes around it.
        return str(self.args[0]) if self.args else ""


class UnknownSchemaError(OpenBadgesError, KeyError):
    """No JSON schema is shipped for this URL (and none is ever fetched)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
