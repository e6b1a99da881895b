"""What verification yields, whatever the badge's version: one normalised shape and named checks."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from ..errors import OpenBadgesError

Version = Literal["0.5", "1.0", "1.1", "2.0", "3.0"]


class VerificationError(OpenBadgesError):
    """The input cannot be verified at all (not a badge, unreadable): no verdict, a message to show."""


class FetchError(OpenBadgesError):
    """A remote document could not be fetched (refused address, timeout, too large, bad status...)."""


@dataclass(frozen=True)
class FetchedDocument:
    url: str  # the final URL, after redirects
    status: int
    content_type: str  # media type only, lower-cased, no parameters ("application/ld+json")
    body: bytes


class Fetcher(Protocol):
    """Every outbound HTTP request of verification goes through one of these (tests map URLs to files).

    Answers any HTTP status (the caller decides what 404 or 410 means); raises FetchError when no
    response can be had or when the fetcher's own limits refuse it.
    """

    def fetch(
        self, url: str, *, accept: str = "application/ld+json, application/json"
    ) -> FetchedDocument: ...


@dataclass(frozen=True)
class Check:
    """One named verification step. Names are stable identifiers (see CHECK_* below)."""

    name: str
    passed: bool
    message: str


# Stable check names, shown to users (translated by the caller) and returned by the API.
CHECK_STRUCTURE = "structure"  # the document has the shape its version requires
CHECK_RECIPIENT = "recipient"  # the recipient matches one of the given e-mail addresses
CHECK_SIGNATURE = "signature"  # signed: signature valid, made with a key the issuer owns
CHECK_HOSTED = (
    "hosted"  # hosted: the assertion re-fetched at its id is the same and within the issuer's scope
)
CHECK_EXPIRY = "not_expired"  # expires / validUntil not passed; issuedOn / validFrom not in the future
CHECK_REVOCATION = "not_revoked"  # HTTP 410, revoked: true, revocation list, credentialStatus
CHECK_IMAGE = "image"  # the badge has an image


@dataclass(frozen=True)
class Alignment:
    target_name: str
    target_url: str | None = None
    target_description: str | None = None
    target_framework: str | None = None
    target_code: str | None = None


@dataclass(frozen=True)
class Evidence:
    id: str | None = None
    narrative: str | None = None
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class IssuerInfo:
    id: str | None
    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None
    image: str | None = None  # URL or data: URI


@dataclass(frozen=True)
class AchievementInfo:
    """The OB 2.0 BadgeClass / OB 3.0 Achievement."""

    id: str | None
    name: str
    description: str = ""
    image: str | None = None  # URL or data: URI
    criteria_url: str | None = None
    criteria_narrative: str | None = None
    alignments: tuple[Alignment, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecipientInfo:
    identity: str  # the e-mail, or its hash ("sha256$..."); for OB 3.0 the identityHash or subject id
    type: str = "email"
    hashed: bool = False
    salt: str | None = None


@dataclass(frozen=True)
class NormalisedBadge:
    """One badge, any version: what Besace stores and shows. ``original`` keeps the input as received."""

    version: Version
    id: str | None  # the assertion / credential id (URL, urn:uuid:, ...)
    issuer: IssuerInfo
    achievement: AchievementInfo
    recipient: RecipientInfo
    issued_on: datetime | None
    expires: datetime | None = None
    narrative: str | None = None
    evidence: tuple[Evidence, ...] = ()
    endorsements: tuple[dict[str, Any], ...] = ()
    verification_type: str = "hosted"  # "hosted", "signed", "data-integrity", "vc-jwt"
    original: str = ""  # exactly what was verified: JSON text or compact JWS
    revocation_reason: str | None = None


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    version: Version | None
    checks: tuple[Check, ...]
    badge: NormalisedBadge | None
    messages: tuple[str, ...] = field(default_factory=tuple)  # notes that are not failures (warnings)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)
