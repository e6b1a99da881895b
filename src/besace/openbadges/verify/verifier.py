"""The entry point: from a badge image, a URL or a text to a verdict on the badge it carries.

Inputs are unbaked (images), fetched (URLs) or parsed (JSON, compact JWS) until a badge document comes
out; its Open Badges version is detected from its shape and the matching verifier takes over.

Failures: when no badge can be had at all (unreadable image, unreachable or non-badge input, hostile
JSON), ``verify_badge`` raises VerificationError, and no other exception; once a badge is in hand,
every problem, including documents of the badge that cannot be fetched, is a failed check of the
returned VerificationResult. A badge URL answering HTTP 410 Gone is a result too: a revoked badge.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import BakingError
from ..images import read_image_payload, sniff_image_type
from ..signing import is_compact_jws
from . import jws
from .legacy import verify_legacy
from .model import (
    CHECK_REVOCATION,
    Check,
    Fetcher,
    FetchError,
    VerificationError,
    VerificationResult,
    Version,
)
from .ob2 import (
    MAX_DOCUMENT_CHARACTERS,
    OB2_CONTEXTS,
    Document,
    Documents,
    Environment,
    context_urls,
    decode_text,
    gone_message,
    is_http_url,
    parse_json_object,
    types_of,
    verify_ob2,
)

_OB1_CONTEXTS = frozenset({"w3id.org/openbadges/v1", "openbadgespec.org/v1/context.json"})
_VC_CONTEXT_PREFIXES = (
    "www.w3.org/ns/credentials/",
    "www.w3.org/2018/credentials/",
    "purl.imsglobal.org/spec/ob/v3p0/",
)
# OB 2.0 documents that are part of a badge but not an award to someone.
_NOT_AN_AWARD = {"BadgeClass", "Issuer", "Profile", "CryptographicKey", "RevocationList", "Endorsement"}
# An image may carry a URL that answers an image...: follow a few, not forever.
_MAX_INDIRECTIONS = 3
_ACCEPT_BADGE = "application/ld+json, application/json, image/png, image/svg+xml, text/plain"


@dataclass(frozen=True)
class BadgeInput:
    """What a user gives: a baked image, a URL, or a text (JSON, compact JWS or URL). Exactly one."""

    image: bytes | None = None
    url: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if sum(value is not None for value in (self.image, self.url, self.text)) != 1:
            raise VerificationError("give exactly one of an image, a URL or a text")


def verify_badge(
    source: BadgeInput,
    *,
    fetcher: Fetcher,
    recipient_emails: Sequence[str] = (),
    now: datetime | None = None,
) -> VerificationResult:
    """Verify the badge ``source`` carries, of any version from 0.5 to 3.0.

    ``recipient_emails``: the addresses the badge must have been awarded to (any one of them); when
    empty, the recipient check passes, saying that nothing was compared. ``now`` defaults to the
    current time (a naive one is taken as UTC).
    """
    moment = now or datetime.now(UTC)
    run = _Run(
        fetcher,
        Environment(
            Documents(fetcher),
            tuple(recipient_emails),
            moment if moment.tzinfo else moment.replace(tzinfo=UTC),
        ),
    )
    if source.image is not None:
        return run.image(source.image, _MAX_INDIRECTIONS)
    if source.url is not None:
        return run.url(source.url, _MAX_INDIRECTIONS)
    return run.text(source.text or "", _MAX_INDIRECTIONS, source_url=None)


class _Run:
    """One verification: follows the input to a badge document, and hands that to its version's verifier."""

    def __init__(self, fetcher: Fetcher, environment: Environment) -> None:
        self.fetcher = fetcher
        self.environment = environment

    def image(self, data: bytes, indirections: int) -> VerificationResult:
        try:
            payload = read_image_payload(data)
        except BakingError as error:
            raise VerificationError(f"unreadable badge image: {error}") from error
        if payload is None:
            raise VerificationError("this image carries no badge data")
        return self.text(payload.text, indirections - 1, source_url=None, is_ob3=payload.is_ob3_credential)

    def url(self, url: str, indirections: int) -> VerificationResult:
        if indirections <= 0:
            raise VerificationError("the badge points from image to address too many times")
        try:
            answer = self.environment.documents.fetch(url, accept=_ACCEPT_BADGE)
        except FetchError as error:
            raise VerificationError(f"could not fetch the badge: {error}") from error
        if answer.status == 410:
            return _revoked_at(url, answer.body)
        if answer.status != 200:
            raise VerificationError(f"{url} answered HTTP {answer.status}")
        if sniff_image_type(answer.body) is not None:
            return self.image(answer.body, indirections)
        return self.text(decode_text(answer.body), indirections, source_url=url)

    def text(
        self, text: str, indirections: int, *, source_url: str | None, is_ob3: bool = False
    ) -> VerificationResult:
        text = text.strip()
        if len(text) > MAX_DOCUMENT_CHARACTERS:
            raise VerificationError(f"the badge is larger than {MAX_DOCUMENT_CHARACTERS} characters")
        if is_http_url(text):
            return self.url(text, indirections)
        if is_compact_jws(text):
            token = jws.read_unverified(text)
            payload = parse_json_object(token.payload_text)
            if is_ob3 or "vc" in payload:  # a VC-JWT; other OB 3.0 shapes are detected by their context
                return self.ob3(text)
            return self.document(payload, original=text, source_url=source_url, signed_as=token)
        document = parse_json_object(text)
        if is_ob3:
            return self.ob3(document)
        return self.document(document, original=text, source_url=source_url, signed_as=None)

    def document(
        self,
        document: Document,
        *,
        original: str,
        source_url: str | None,
        signed_as: jws.UnverifiedJws | None,
    ) -> VerificationResult:
        version = _detect_version(document)
        if version == "3.0":
            return self.ob3(signed_as.token if signed_as else document)
        if version == "2.0":
            return verify_ob2(document, self.environment, original=original, signed_as=signed_as)
        if version is not None:
            return verify_legacy(
                document,
                version,
                self.environment,
                original=original,
                source_url=source_url,
                signed_as=signed_as,
            )
        raise VerificationError("this JSON is not an Open Badge (no assertion or credential recognised)")

    def ob3(self, credential: Document | str) -> VerificationResult:
        # Imported here: the OB 3.0 verifier is a large module of its own, needed only for OB 3.0 badges.
        from .ob3 import verify_ob3

        return verify_ob3(
            credential,
            fetcher=self.fetcher,
            recipient_emails=self.environment.recipient_emails,
            now=self.environment.now,
        )


def _detect_version(document: Document) -> Version | None:
    """The Open Badges version ``document`` is written in, from its @context or, before 1.1, its shape.

    VerificationError for OB documents that are not awards (a BadgeClass, an Issuer...). A document
    with an unknown @context that looks like an assertion is taken as OB 2.0, to fail its checks.
    """
    contexts = context_urls(document)
    types = set(types_of(document))
    if any(context.startswith(_VC_CONTEXT_PREFIXES) for context in contexts):
        return "3.0"
    if types & _NOT_AN_AWARD and "Assertion" not in types:
        kind = " / ".join(sorted(types & _NOT_AN_AWARD))
        raise VerificationError(f"this is an Open Badges {kind}, not a badge awarded to someone")
    if contexts & OB2_CONTEXTS:
        return "2.0"
    if contexts & _OB1_CONTEXTS:
        return "1.1"
    if "@context" in document:
        return "2.0" if "Assertion" in types or {"recipient", "badge"} <= document.keys() else None
    if isinstance(document.get("verify"), dict):
        return "1.0"
    badge = document.get("badge")
    if isinstance(document.get("recipient"), str) or (
        isinstance(badge, dict) and isinstance(badge.get("issuer"), dict) and "origin" in badge["issuer"]
    ):
        return "0.5"
    return None


def _revoked_at(url: str, body: bytes) -> VerificationResult:
    """A badge URL answering 410 Gone: the issuer revoked it, and there is nothing more to read."""
    return VerificationResult(
        valid=False,
        version=None,
        checks=(Check(CHECK_REVOCATION, False, gone_message(url, body)),),
        badge=None,
    )
