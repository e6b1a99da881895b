"""Open Badges 2.0 verification (hosted and signed assertions), and the parts OB 0.5–1.1 share with it.

A badge is three documents: the Assertion, its BadgeClass and the BadgeClass's Issuer. What vouches for
the badge is read from documents fetched at their own address, never from copies embedded in the
assertion, since an assertion cannot vouch for itself: the issuer's profile (its origin, its
``verification`` policy, its keys, its revocation list) is always fetched, and so is any document whose
id is an http(s) URL. A document is known by the address it was fetched from; when it declares another
id, that is noted, not believed.
"""

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from ..hashing import identity_matches
from . import jws
from .model import (
    CHECK_EXPIRY,
    CHECK_HOSTED,
    CHECK_IMAGE,
    CHECK_RECIPIENT,
    CHECK_REVOCATION,
    CHECK_SIGNATURE,
    CHECK_STRUCTURE,
    AchievementInfo,
    Alignment,
    Check,
    Evidence,
    FetchedDocument,
    Fetcher,
    FetchError,
    IssuerInfo,
    NormalisedBadge,
    RecipientInfo,
    VerificationError,
    VerificationResult,
    Version,
)
from .ob2_extensions import check_extensions
from .values import as_list

# Limits on untrusted JSON, far above any real badge document.
MAX_DOCUMENT_CHARACTERS = 2 * 1024 * 1024
MAX_JSON_DEPTH = 64
# Assertion, BadgeClass, Issuer, a few keys, a revocation list: a badge needing more is hostile.
MAX_FETCHES = 16

OB2_CONTEXTS = frozenset({"w3id.org/openbadges/v2", "openbadgespec.org/v2/context.json"})
_CHECK_ORDER = (
    CHECK_STRUCTURE,
    CHECK_HOSTED,
    CHECK_SIGNATURE,
    CHECK_RECIPIENT,
    CHECK_EXPIRY,
    CHECK_REVOCATION,
    CHECK_IMAGE,
)
# What makes two copies of a hosted assertion the same award; the rest (expires, revoked, narrative...)
# may change on the issuer's side, and the served copy is the one that counts. An embedded BadgeClass
# is compared by its id, for the same reason.
_IDENTIFYING_FIELDS = ("id", "type", "recipient", "issuedOn")
_ISSUER_TYPES = {"Issuer", "Profile", "IssuerOrg"}  # IssuerOrg: the OB 1.1 context's alias
_IMAGE_DATA_URIS = ("data:image/png", "data:image/svg+xml")
_TIMESTAMP = re.compile(r"[0-9]+(\.[0-9]+)?")

Document = dict[str, Any]
Upgrade = Callable[[Document], Document]


# --- Untrusted JSON and remote documents ---------------------------------------------------------------


def parse_json_object(text: str) -> Document:
    """A JSON object within the size and depth limits; VerificationError for anything else."""
    if len(text) > MAX_DOCUMENT_CHARACTERS:
        raise VerificationError(f"the document is larger than {MAX_DOCUMENT_CHARACTERS} characters")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise VerificationError("the JSON is nested too deeply") from error
    except ValueError as error:
        raise VerificationError(f"not valid JSON: {error}") from error
    if not isinstance(value, dict):
        raise VerificationError(f"a badge is a JSON object, not a JSON {type(value).__name__}")
    _check_plain(value)
    return value


def decode_text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise VerificationError("the document is not UTF-8 text") from error


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _check_plain(value: Any) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH, and strings that are not Unicode text (lone
    surrogates, which JSON escapes allow but which cannot be encoded, hashed or stored)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
            continue
        if depth > MAX_JSON_DEPTH:
            raise VerificationError("the JSON is nested too deeply")
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, str | dict | list))


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise VerificationError("the JSON contains invalid Unicode (lone surrogates)") from error


class Documents:
    """The remote documents of one verification, each fetched at most once, through the caller's Fetcher."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._fetched: dict[str, FetchedDocument] = {}
        self._requests = 0  # failed ones count too

    def fetch(self, url: str, *, accept: str = "application/ld+json, application/json") -> FetchedDocument:
        """The answer at ``url``, whatever its status; FetchError when there is none."""
        if not is_http_url(url):
            raise FetchError(f"{url!r:.120} is not an http(s) address")
        if url not in self._fetched:
            if self._requests >= MAX_FETCHES:
                raise FetchError(f"this badge refers to more than {MAX_FETCHES} documents")
            self._requests += 1
            self._fetched[url] = self._fetcher.fetch(url, accept=accept)
        return self._fetched[url]

    def fetch_json(self, url: str) -> Document:
        """The JSON object at ``url``; FetchError for any other answer."""
        answer = self.fetch(url)
        if answer.status != 200:
            raise FetchError(f"{url} answered HTTP {answer.status}")
        try:
            return parse_json_object(decode_text(answer.body))
        except VerificationError as error:
            raise FetchError(f"{url}: {error}") from error


@dataclass(frozen=True)
class Environment:
    """What every step of one verification shares."""

    documents: Documents
    recipient_emails: tuple[str, ...]
    now: datetime  # aware


@dataclass(frozen=True)
class Located:
    """A document and the address it was fetched from (None when only embedded in another one)."""

    document: Document
    location: str | None

    @property
    def ids(self) -> set[str]:
        """The addresses it is known by: where it was fetched, and the id it declares."""
        declared = self.document.get("id")
        return {name for name in (self.location, declared) if isinstance(name, str)}


@dataclass
class Findings:
    """Check outcomes gathered along the way: a check fails if any step failed it."""

    failures: dict[str, list[str]] = field(default_factory=dict)
    successes: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    revocation_reason: str | None = None

    def failed(self, name: str, message: str) -> None:
        self.failures.setdefault(name, []).append(message)

    def passed(self, name: str, message: str) -> None:
        self.successes.setdefault(name, message)

    def checks(self) -> tuple[Check, ...]:
        return tuple(
            Check(name, False, "; ".join(self.failures[name]))
            if name in self.failures
            else Check(name, True, self.successes[name])
            for name in _CHECK_ORDER
            if name in self.failures or name in self.successes
        )


# --- OB 2.0 (and OB 1.0 / 1.1 brought to its shape) -----------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """How a version differs from OB 2.0 once its assertion is brought to the OB 2.0 shape."""

    version: Version
    upgrade: Upgrade = dict  # makes an assertion of this version look like an OB 2.0 one
    untyped_nodes: bool = False  # OB 1.0 BadgeClasses and Issuers have no type


def verify_alias_resolved(assertion: Document) -> Document:
    """``verify`` is the OB 1.1 name of ``verification``, still an alias in the OB 2.0 context; Moodle's
    OB 2.0 assertions use it."""
    upgraded = dict(assertion)
    if "verification" not in upgraded and "verify" in upgraded:
        upgraded["verification"] = upgraded.pop("verify")
    return upgraded


OB2_RULES = Rules("2.0", verify_alias_resolved)


def verify_ob2(
    given: Document,
    environment: Environment,
    *,
    original: str,
    signed_as: jws.UnverifiedJws | None = None,
    rules: Rules = OB2_RULES,
) -> VerificationResult:
    """Verify an assertion given as JSON (``original``) or as the payload of the JWS ``signed_as``."""
    findings = Findings()
    assertion = rules.upgrade(given)
    signed = verification_type(assertion) == "signed"
    if not signed:
        if signed_as is not None:
            findings.notes.append("the JWS signature was not checked: the assertion says it is hosted")
        assertion, original = hosted_copy(assertion, original, environment, findings, upgrade=rules.upgrade)
    if rules.version == "2.0" and not context_urls(assertion) & OB2_CONTEXTS:
        findings.failed(CHECK_STRUCTURE, "its @context is not the Open Badges 2.0 one")
    for problem in assertion_problems(assertion):
        findings.failed(CHECK_STRUCTURE, problem)

    badge_class = load_node(assertion.get("badge"), "BadgeClass", environment, findings, rules=rules)
    issuer = None
    if badge_class is not None:
        issuer = load_node(badge_class.document.get("issuer"), "Issuer", environment, findings, rules=rules)
    if issuer is not None and signed:
        _check_signed(assertion, signed_as, issuer, environment, findings)
    elif issuer is not None and is_http_url(assertion.get("id")):
        check_scope(assertion["id"], *issuer_policy(issuer), findings)
    elif signed:
        findings.failed(CHECK_SIGNATURE, "without the issuer's profile, no key can check the signature")
    _check_extensions(assertion, badge_class, issuer, findings)
    return finish(rules.version, assertion, badge_class, issuer, environment, findings, original=original)


def _check_extensions(
    assertion: Document, badge_class: Located | None, issuer: Located | None, findings: Findings
) -> None:
    """Extension nodes must meet their extension's schema (a BadgeClass embedded in the assertion is
    checked with it)."""
    documents = [("assertion", assertion)]
    documents += [
        (kind, located.document)
        for kind, located in (("BadgeClass", badge_class), ("Issuer", issuer))
        if located is not None and located.location is not None
    ]
    for kind, document in documents:
        found = check_extensions(document, kind)
        for failure in found.failures:
            findings.failed(CHECK_STRUCTURE, failure)
        findings.notes.extend(found.notes)


def verification_type(assertion: Document) -> str | None:
    verification = assertion.get("verification")
    kind = verification.get("type") if isinstance(verification, dict) else None
    return {"hosted": "hosted", "HostedBadge": "hosted", "signed": "signed", "SignedBadge": "signed"}.get(
        kind if isinstance(kind, str) else ""
    )


def context_urls(document: Document) -> set[str]:
    """The document's context URLs, spelt without scheme, case or trailing slash to compare them."""
    context = document.get("@context")
    entries = context if isinstance(context, list) else [context]
    return {
        entry.strip().rstrip("/").lower().removeprefix("https://").removeprefix("http://")
        for entry in entries
        if isinstance(entry, str)
    }


def assertion_problems(assertion: Document) -> list[str]:
    """What an OB 2.0-shaped assertion lacks (its @context is the caller's business)."""
    problems = []
    if "Assertion" not in types_of(assertion):
        problems.append("its type is not Assertion")
    if not isinstance(assertion.get("id"), str) or not assertion["id"]:
        problems.append("it has no id")
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        problems.append("it names no recipient (an IdentityObject with an identity)")
    if not isinstance(assertion.get("badge"), str | dict):
        problems.append("it has no BadgeClass (badge)")
    if verification_type(assertion) is None:
        problems.append("its verification is neither hosted nor signed")
    if parse_date(assertion.get("issuedOn")) is None:
        problems.append("its issue date (issuedOn) is missing or unreadable")
    if "expires" in assertion and parse_date(assertion["expires"]) is None:
        problems.append("its expiry date (expires) is unreadable")
    return problems


def hosted_copy(
    given: Document, original: str, environment: Environment, findings: Findings, *, upgrade: Upgrade
) -> tuple[Document, str]:
    """The assertion as the issuer serves it at its id, and its text: that copy is the one verified.

    Failures are recorded in ``findings`` and leave the given copy in place. HTTP 410 Gone is how a
    hosted badge is revoked.
    """
    url = given.get("id")
    if not is_http_url(url):
        findings.failed(CHECK_HOSTED, "a hosted assertion must have an http(s) id to be fetched at")
        return given, original
    try:
        answer = environment.documents.fetch(url)
        if answer.status == 410:
            findings.failed(CHECK_HOSTED, f"the issuer no longer serves the assertion at {url}")
            findings.failed(CHECK_REVOCATION, gone_message(url, answer.body))
            return given, original
        served = upgrade(environment.documents.fetch_json(url))
        text = decode_text(answer.body)
    except (FetchError, VerificationError) as error:
        findings.failed(CHECK_HOSTED, f"could not fetch the assertion at its id: {error}")
        return given, original
    differences = [name for name in _IDENTIFYING_FIELDS if served.get(name) != given.get(name)]
    if _reference(served.get("badge")) != _reference(given.get("badge")):
        differences.append("badge")
    if differences:
        findings.failed(CHECK_HOSTED, f"the assertion served at {url} differs in {', '.join(differences)}")
        return given, original
    findings.passed(CHECK_HOSTED, f"the issuer serves this assertion at {url}")
    return served, text


def gone_message(url: str, body: bytes) -> str:
    """Why a URL answering 410 Gone is revoked, with the issuer's reason when its body gives one."""
    message = f"the issuer reports it revoked (HTTP 410 Gone at {url})"
    try:
        reason = json.loads(decode_text(body)).get("revocationReason") if len(body) < 100_000 else None
    except (ValueError, AttributeError, VerificationError):
        reason = None
    return f"{message}: {reason[:500]}" if isinstance(reason, str) and reason.strip() else message


def load_node(
    reference: object, kind: str, environment: Environment, findings: Findings, *, rules: Rules
) -> Located | None:
    """The BadgeClass or Issuer ``reference`` designates, fetched when it has an http(s) address.

    An Issuer must have one: its profile says where its assertions live and which keys are its own,
    so a copy embedded in the badge it is meant to vouch for proves nothing.
    """
    url = reference.get("id") if isinstance(reference, dict) else reference
    if is_http_url(url):
        try:
            located = Located(environment.documents.fetch_json(url), url)
        except FetchError as error:
            findings.failed(CHECK_STRUCTURE, f"could not fetch the {kind}: {error}")
            return None
        declared = located.document.get("id")
        if declared is not None and declared != url:
            findings.notes.append(f"the {kind} fetched from {url} declares the id {declared!r:.120}")
    elif isinstance(reference, dict) and kind != "Issuer":
        located = Located(reference, None)
    else:
        findings.failed(CHECK_STRUCTURE, f"the {kind} has no http(s) address to fetch it from")
        return None
    problems = node_problems(located.document, kind, untyped=rules.untyped_nodes)
    for problem in problems:
        findings.failed(CHECK_STRUCTURE, problem)
    return None if problems else located


def node_problems(document: Document, kind: str, *, untyped: bool = False) -> list[str]:
    types = types_of(document)
    expected = _ISSUER_TYPES if kind == "Issuer" else {kind}
    problems = []
    if not (expected & set(types) or (untyped and not types)):
        problems.append(f"the {kind}'s type is {types or 'missing'}")
    required = ("name",) if kind == "Issuer" else ("name", "description")
    problems += [f"the {kind} has no {name}" for name in required if not isinstance(document.get(name), str)]
    if kind == "BadgeClass":
        problems += [
            f"the BadgeClass has no {name}" for name in ("criteria", "issuer") if name not in document
        ]
    return problems


def issuer_policy(issuer: Located) -> tuple[list[str], list[str]]:
    """(allowed origins, allowed prefixes) of the issuer's hosted assertions.

    By default its assertions must be on the origin its profile was fetched from; ``verification``
    may name other origins (``allowedOrigins``) and require URL prefixes (``startsWith``).
    """
    policy = issuer.document.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    origins = [origin.lower() for origin in as_list(policy.get("allowedOrigins")) if isinstance(origin, str)]
    prefixes = [prefix for prefix in as_list(policy.get("startsWith")) if isinstance(prefix, str)]
    return origins or [authority(issuer.location or "")], prefixes


def check_scope(
    assertion_url: str, origins: Sequence[str], prefixes: Sequence[str], findings: Findings
) -> None:
    """A hosted assertion counts only where its issuer says its assertions live."""
    if prefixes and not any(assertion_url.startswith(prefix) for prefix in prefixes):
        findings.failed(CHECK_HOSTED, f"{assertion_url} does not start with one of the issuer's {prefixes}")
    elif authority(assertion_url) not in origins:
        findings.failed(CHECK_HOSTED, f"{assertion_url} is not on the issuer's origins {list(origins)}")
    else:
        findings.passed(CHECK_HOSTED, f"{assertion_url} is where the issuer's assertions live")


def _check_signed(
    assertion: Document,
    signed_as: jws.UnverifiedJws | None,
    issuer: Located,
    environment: Environment,
    findings: Findings,
) -> None:
    if signed_as is None:
        findings.failed(CHECK_SIGNATURE, "this assertion is signed but came without its signature (the JWS)")
    else:
        verification = assertion.get("verification")
        passed, message = jws.check_ob2_signature(
            signed_as,
            creator=verification.get("creator") if isinstance(verification, dict) else None,
            issuer=issuer.document,
            issuer_ids=issuer.ids,
            fetch_json=environment.documents.fetch_json,
        )
        (findings.passed if passed else findings.failed)(CHECK_SIGNATURE, message)
    _check_revocation_list(assertion.get("id"), issuer, environment, findings)


def _check_revocation_list(
    assertion_id: object, issuer: Located, environment: Environment, findings: Findings
) -> None:
    """Signed badges are revoked by being listed in the issuer's RevocationList."""
    reference = issuer.document.get("revocationList")
    if reference is None:
        return
    try:
        # Embedded in the issuer's fetched profile, it is as trustworthy as the profile.
        listing = (
            reference if isinstance(reference, dict) else environment.documents.fetch_json(str(reference))
        )
    except FetchError as error:
        findings.failed(CHECK_REVOCATION, f"could not read the issuer's revocation list: {error}")
        return
    for entry in as_list(listing.get("revokedAssertions")):
        if _reference(entry) == assertion_id:
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            _revoked(findings, "the issuer's revocation list revokes it", reason)
            return
    findings.passed(CHECK_REVOCATION, "the issuer's revocation list does not list it")


# --- Checks every version shares, and the normalised badge ----------------------------------------------


def finish(
    version: Version,
    assertion: Document,
    badge_class: Located | None,
    issuer: Located | None,
    environment: Environment,
    findings: Findings,
    *,
    original: str,
) -> VerificationResult:
    """Run the checks every version shares, and return the verdict with the normalised badge."""
    findings.passed(CHECK_STRUCTURE, "the assertion, its BadgeClass and its Issuer are well formed")
    _check_recipient(assertion.get("recipient"), environment.recipient_emails, findings)
    _check_dates(assertion, environment.now, findings)
    if as_bool(assertion.get("revoked")):
        _revoked(findings, "the assertion says it is revoked", assertion.get("revocationReason"))
    findings.passed(CHECK_REVOCATION, "not revoked")
    if badge_class is not None:
        _check_image(assertion, badge_class.document, findings)
    badge = None
    if badge_class is not None and issuer is not None:
        badge = _normalise(version, assertion, badge_class, issuer, original, findings.revocation_reason)
    checks = findings.checks()
    return VerificationResult(
        valid=all(check.passed for check in checks),
        version=version,
        checks=checks,
        badge=badge,
        messages=tuple(findings.notes),
    )


def _check_recipient(recipient: object, emails: Sequence[str], findings: Findings) -> None:
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        findings.failed(CHECK_RECIPIENT, "the badge names no recipient")
    elif not emails:
        findings.passed(CHECK_RECIPIENT, "no e-mail address was given to compare the recipient with")
    elif recipient.get("type", "email") != "email":
        findings.failed(
            CHECK_RECIPIENT, f"the recipient is identified by {recipient.get('type')!r:.40}, not e-mail"
        )
    else:
        matching = next((email for email in emails if identity_matches(recipient, email)), None)
        if matching is None:
            findings.failed(CHECK_RECIPIENT, "the badge was awarded to another e-mail address")
        else:
            findings.passed(CHECK_RECIPIENT, f"awarded to {matching}")


def _check_dates(assertion: Document, now: datetime, findings: Findings) -> None:
    issued_on, expires = parse_date(assertion.get("issuedOn")), parse_date(assertion.get("expires"))
    if issued_on is not None and issued_on > now:
        findings.failed(CHECK_EXPIRY, f"issued in the future ({issued_on.isoformat()})")
    if expires is not None and issued_on is not None and expires < issued_on:
        findings.failed(CHECK_EXPIRY, "it expires before it was issued")
    if expires is not None and expires <= now:
        findings.failed(CHECK_EXPIRY, f"expired on {expires.isoformat()}")
    findings.passed(CHECK_EXPIRY, f"valid until {expires.isoformat()}" if expires else "does not expire")


def _check_image(assertion: Document, badge_class: Document, findings: Findings) -> None:
    image = image_url(badge_class.get("image"))
    if image is None:
        findings.failed(CHECK_IMAGE, "the BadgeClass has no image")
    elif not (is_http_url(image) or image.startswith(_IMAGE_DATA_URIS)):
        findings.failed(
            CHECK_IMAGE, "the BadgeClass image is neither an http(s) URL nor a PNG or SVG data: URI"
        )
    # 1EdTech's validators refuse a data: URI as the assertion's own image (it should be the baked badge).
    if (image_url(assertion.get("image")) or "").startswith("data:"):
        findings.failed(CHECK_IMAGE, "the assertion's image must be a URL, not a data: URI")
    findings.passed(CHECK_IMAGE, "the badge has an image")


def _revoked(findings: Findings, message: str, reason: object) -> None:
    if isinstance(reason, str) and reason:
        findings.revocation_reason = reason
        message += f": {reason}"
    findings.failed(CHECK_REVOCATION, message)


def _normalise(
    version: Version,
    assertion: Document,
    badge_class: Located,
    issuer: Located,
    original: str,
    revocation_reason: str | None,
) -> NormalisedBadge | None:
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        return None
    achievement, profile = badge_class.document, issuer.document
    criteria = achievement.get("criteria")
    criteria = criteria if isinstance(criteria, dict) else {"id": criteria}
    return NormalisedBadge(
        version=version,
        id=text_or_none(assertion.get("id")),
        issuer=IssuerInfo(
            id=issuer.location or text_or_none(profile.get("id")),
            name=str(profile.get("name")),
            url=text_or_none(profile.get("url")),
            email=text_or_none(profile.get("email")),
            description=text_or_none(profile.get("description")),
            image=image_url(profile.get("image")),
        ),
        achievement=AchievementInfo(
            id=badge_class.location or text_or_none(achievement.get("id")),
            name=str(achievement.get("name")),
            description=text_or_none(achievement.get("description")) or "",
            image=image_url(achievement.get("image")),
            criteria_url=text_or_none(criteria.get("id")),
            criteria_narrative=text_or_none(criteria.get("narrative")),
            alignments=tuple(_alignments(achievement.get("alignment"))),
            tags=tuple(tag for tag in as_list(achievement.get("tags")) if isinstance(tag, str)),
        ),
        recipient=RecipientInfo(
            identity=recipient["identity"],
            type=text_or_none(recipient.get("type")) or "email",
            hashed=as_bool(recipient.get("hashed")),
            salt=text_or_none(recipient.get("salt")),
        ),
        issued_on=parse_date(assertion.get("issuedOn")),
        expires=parse_date(assertion.get("expires")),
        narrative=text_or_none(assertion.get("narrative")),
        evidence=tuple(_evidence(assertion.get("evidence"))),
        endorsements=tuple(
            entry if isinstance(entry, dict) else {"id": entry}
            for entry in as_list(assertion.get("endorsement"))
            if isinstance(entry, dict | str)
        ),
        verification_type=verification_type(assertion) or "hosted",
        original=original,
        revocation_reason=revocation_reason,
    )


def _alignments(value: object) -> Iterable[Alignment]:
    for entry in as_list(value):
        if not isinstance(entry, dict):
            continue
        # OB 1.x alignments say name / url / description.
        name = text_or_none(entry.get("targetName", entry.get("name")))
        if name:
            yield Alignment(
                target_name=name,
                target_url=text_or_none(entry.get("targetUrl", entry.get("url"))),
                target_description=text_or_none(entry.get("targetDescription", entry.get("description"))),
                target_framework=text_or_none(entry.get("targetFramework")),
                target_code=text_or_none(entry.get("targetCode")),
            )


def _evidence(value: object) -> Iterable[Evidence]:
    for entry in as_list(value):
        if isinstance(entry, str):
            yield Evidence(id=entry)
        elif isinstance(entry, dict):
            yield Evidence(
                **{name: text_or_none(entry.get(name)) for name in ("id", "narrative", "name", "description")}
            )


# --- Small readers of untrusted values ------------------------------------------------------------------


def parse_date(value: object) -> datetime | None:
    """An OB date: ISO 8601 (a missing zone means UTC, as OB 1.x dates often lack one), a bare date,
    or a Unix timestamp (OB 1.0); None when unreadable."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        if not isinstance(value, str) or len(value) > 64:
            return None
        text = value.strip()
        if _TIMESTAMP.fullmatch(text):
            return datetime.fromtimestamp(float(text), UTC)
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def types_of(document: Document) -> list[str]:
    return [kind for kind in as_list(document.get("type")) if isinstance(kind, str)]


def image_url(value: object) -> str | None:
    """An OB image: a URL or data: URI, or an Image object whose id is one."""
    return text_or_none(value.get("id") if isinstance(value, dict) else value)


def is_http_url(value: object) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and value.lower().startswith(("http://", "https://"))
        and bool(authority(value))
    )


def authority(url: str) -> str:
    """Host and port of a URL, lower-cased and without user info; "" when there is none."""
    try:
        netloc = urlsplit(url.strip()).netloc
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    return netloc.rpartition("@")[2].lower()


def as_bool(value: object) -> bool:
    # OB 1.x issuers sometimes wrote "true" as a string.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _reference(value: object) -> object:
    """An embedded node compared by its id, anything else as itself."""
    return value.get("id") if isinstance(value, dict) else value
