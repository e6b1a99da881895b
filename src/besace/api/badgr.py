"""The Badgr-compatible API (/v2/) that Moodle's "OBv2.0" backpack connection uses.

Answers use Badgr's envelope ``{"status": {"success", "description"}, "result": [...]}``; Moodle reads
``result`` and takes ``[0]`` for single objects. Every endpoint needs ``Authorization: Bearer <token>``
(from POST /o/token) and shows only the token owner's data, private badges included.
"""

import base64
import binascii
import hashlib
import json
from typing import Any

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from besace.api.tokens import user_for_access_token
from besace.backpack.imports import AlreadyInBackpack, ImportRefused, badge_import
from besace.backpack.models import BackpackBadge, Collection
from besace.openbadges.verify.model import VerificationError
from besace.openbadges.verify.verifier import BadgeInput
from besace.verify.fetchers import badge_fetcher


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_access_token(token)
        if user is not None:
            request.user = user
        return user


badgr_api = NinjaAPI(
    title="Besace Badgr-compatible API",
    version="2.0.0",
    description="The subset of Badgr's v2 API that Moodle's OBv2.0 backpack connection uses.",
    urls_namespace="badgr",
    auth=BearerToken(),
)


class StatusOut(Schema):
    success: bool
    description: str


class EmailOut(Schema):
    email: str
    verified: bool
    primary: bool


class BadgeUserOut(Schema):
    entityType: str = "BadgeUser"  # noqa: N815 (Badgr's field names)
    entityId: str  # noqa: N815
    firstName: str  # noqa: N815
    lastName: str  # noqa: N815
    emails: list[EmailOut]


class CollectionOut(Schema):
    entityType: str = "BackpackCollection"  # noqa: N815
    entityId: str  # noqa: N815
    name: str
    description: str
    assertions: list[str]


class IssuerOut(Schema):
    entityType: str = "Issuer"  # noqa: N815
    entityId: str  # noqa: N815
    openBadgeId: str | None  # noqa: N815
    name: str
    url: str | None
    email: str | None
    description: str | None
    image: str | None


class BadgeClassOut(Schema):
    entityType: str = "BadgeClass"  # noqa: N815
    entityId: str  # noqa: N815
    openBadgeId: str | None  # noqa: N815
    name: str
    description: str
    image: str | None
    criteriaUrl: str | None  # noqa: N815
    criteriaNarrative: str | None  # noqa: N815
    issuer: IssuerOut | str


class RecipientOut(Schema):
    identity: str
    type: str
    hashed: bool
    plaintextIdentity: str | None  # noqa: N815
    salt: str | None


class EvidenceOut(Schema):
    url: str | None
    narrative: str | None


class AssertionOut(Schema):
    entityType: str = "Assertion"  # noqa: N815
    entityId: str  # noqa: N815
    openBadgeId: str  # noqa: N815
    badgeclass: BadgeClassOut | str
    badgeclassOpenBadgeId: str | None  # noqa: N815
    issuer: str
    issuerOpenBadgeId: str | None  # noqa: N815
    image: str | None
    recipient: RecipientOut
    issuedOn: str | None  # noqa: N815
    expires: str | None
    narrative: str | None
    evidence: list[EvidenceOut]
    revoked: bool
    revocationReason: str | None  # noqa: N815
    acceptance: str = "Accepted"


class UserEnvelope(Schema):
    status: StatusOut
    result: list[BadgeUserOut]


class CollectionsEnvelope(Schema):
    status: StatusOut
    result: list[CollectionOut]


class AssertionsEnvelope(Schema):
    status: StatusOut
    result: list[AssertionOut]


class ErrorEnvelope(Schema):
    status: StatusOut
    result: list[Any] = []
    validationErrors: list[str] = []  # noqa: N815


class ImportIn(Schema):
    url: str | None = None
    image: str | None = None  # base64 PNG or SVG, optionally as a data: URI
    assertion: dict[str, Any] | str | None = None  # an assertion (JSON object or text) or compact JWS


OK = {"success": True, "description": "ok"}


def _ok(result: list) -> dict:
    return {"status": OK, "result": result}


def _error(request, status: int, description: str, errors: list[str] | None = None):
    body = {
        "status": {"success": False, "description": description},
        "result": [],
        "validationErrors": errors or [],
    }
    response = badgr_api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@badgr_api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, 401, "Authentication credentials were not provided or are invalid or expired.")


@badgr_api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "Not found.")


@badgr_api.exception_handler(ValidationError)
def _invalid(request, exc):
    return _error(request, 400, "Invalid request.", [json.dumps(e, default=str) for e in exc.errors])


def _short_id(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:22]


def _image(request, entry: BackpackBadge, achievement: dict) -> str | None:
    url = achievement.get("image") or ""
    if url.startswith(("http://", "https://")):
        return url
    if entry.image_url:
        return request.build_absolute_uri(entry.image_url)
    return url or None


def _issuer(data: dict) -> dict:
    return {
        "entityId": _short_id(data.get("id") or data.get("name") or ""),
        "openBadgeId": data.get("id"),
        "name": data.get("name") or "",
        "url": data.get("url"),
        "email": data.get("email"),
        "description": data.get("description"),
        "image": data.get("image"),
    }


def assertion_out(request, entry: BackpackBadge, expand: set[str]) -> dict:
    """One backpack badge in Badgr's Assertion shape, from its normalised snapshot."""
    badge = entry.normalised or {}
    achievement = badge.get("achievement") or {}
    issuer = _issuer(badge.get("issuer") or {})
    image = _image(request, entry, achievement)
    badgeclass = {
        "entityId": _short_id(achievement.get("id") or f"{issuer['entityId']}:{achievement.get('name')}"),
        "openBadgeId": achievement.get("id"),
        "name": achievement.get("name") or entry.name,
        "description": achievement.get("description") or "",
        "image": image,
        "criteriaUrl": achievement.get("criteria_url"),
        "criteriaNarrative": achievement.get("criteria_narrative"),
        "issuer": issuer if "issuer" in expand else issuer["entityId"],
    }
    recipient = badge.get("recipient") or {}
    hashed = bool(recipient.get("hashed"))
    return {
        "entityId": entry.public_id,
        "openBadgeId": badge.get("id") or entry.badge_id,
        "badgeclass": badgeclass if "badgeclass" in expand else badgeclass["entityId"],
        "badgeclassOpenBadgeId": achievement.get("id"),
        "issuer": issuer["entityId"],
        "issuerOpenBadgeId": issuer["openBadgeId"],
        "image": image,
        "recipient": {
            "identity": recipient.get("identity") or "",
            "type": recipient.get("type") or "email",
            "hashed": hashed,
            "plaintextIdentity": None if hashed else recipient.get("identity"),
            "salt": recipient.get("salt"),
        },
        "issuedOn": badge.get("issued_on"),
        "expires": badge.get("expires"),
        "narrative": badge.get("narrative"),
        "evidence": [
            {"url": e.get("id"), "narrative": e.get("narrative")} for e in badge.get("evidence", ())
        ],
        "revoked": entry.is_revoked,
        "revocationReason": entry.revocation_reason or badge.get("revocation_reason") or None,
    }


def _entries(request):
    return BackpackBadge.objects.filter(owner=request.auth).select_related("assertion__badge_class")


@badgr_api.get("/users/self", response=UserEnvelope, summary="The token owner's profile")
def user_self(request: HttpRequest):
    user = request.auth
    emails = [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in user.emailaddress_set.order_by("-primary", "email")
    ]
    return _ok(
        [
            {
                "entityId": _short_id(f"user:{user.pk}"),
                "firstName": user.first_name,
                "lastName": user.last_name,
                "emails": emails,
            }
        ]
    )


def _collection_out(collection: Collection) -> dict:
    return {
        "entityId": collection.public_id,
        "name": collection.name,
        "description": collection.description,
        "assertions": [e.badge.public_id for e in collection.entries.select_related("badge")],
    }


@badgr_api.get("/backpack/collections", response=CollectionsEnvelope, summary="The owner's collections")
def collections(request: HttpRequest):
    return _ok([_collection_out(c) for c in Collection.objects.filter(owner=request.auth)])


@badgr_api.get(
    "/backpack/collections/{entity_id}",
    response={200: CollectionsEnvelope, 404: ErrorEnvelope},
    summary="One collection (in result[0])",
)
def collection(request: HttpRequest, entity_id: str):
    found = Collection.objects.filter(owner=request.auth, public_id=entity_id).first()
    if found is None:
        raise Http404
    return _ok([_collection_out(found)])


@badgr_api.get("/backpack/assertions", response=AssertionsEnvelope, summary="The owner's badges")
def assertions(request: HttpRequest, expand: list[str] = Query(default=[])):  # noqa: B008
    return _ok([assertion_out(request, e, set(expand)) for e in _entries(request)])


@badgr_api.get(
    "/backpack/assertions/{entity_id}",
    response={200: AssertionsEnvelope, 404: ErrorEnvelope},
    summary="One badge (in result[0]); expand=badgeclass&expand=issuer embeds them",
)
def assertion(request: HttpRequest, entity_id: str, expand: list[str] = Query(default=[])):  # noqa: B008
    entry = _entries(request).filter(public_id=entity_id).first()
    if entry is None:
        raise Http404
    return _ok([assertion_out(request, entry, set(expand))])


def _badge_input(data: ImportIn) -> BadgeInput:
    given = [v for v in (data.url, data.image, data.assertion) if v not in (None, "")]
    if len(given) != 1:
        raise VerificationError("Give exactly one of url, image or assertion.")
    if data.url:
        return BadgeInput(url=data.url)
    if data.image:
        encoded = data.image.partition(",")[2] if data.image.startswith("data:") else data.image
        try:
            return BadgeInput(image=base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError) as error:
            raise VerificationError("The image is not valid base64.") from error
    text = data.assertion if isinstance(data.assertion, str) else json.dumps(data.assertion)
    return BadgeInput(text=text)


@badgr_api.post(
    "/backpack/import",
    response={201: AssertionsEnvelope, 400: ErrorEnvelope},
    summary="Verify a badge (url, base64 image or assertion) and add it to the owner's backpack",
)
def backpack_import(request: HttpRequest, data: ImportIn):
    try:
        entry = badge_import(user=request.auth, source=_badge_input(data), fetcher=badge_fetcher())
    except AlreadyInBackpack:
        return Status(
            400,
            {
                "status": {"success": False, "description": "You already have this badge in your backpack"},
                "validationErrors": ["DUPLICATE_BADGE: You already have this badge in your backpack"],
            },
        )
    except ImportRefused as refused:
        failed = [c for c in refused.result.checks if not c.passed] if refused.result else []
        errors = [f"{c.name}: {c.message}" for c in failed]
        description = str(refused) + (
            " Failed checks: " + ", ".join(c.name for c in failed) if failed else ""
        )
        return Status(
            400, {"status": {"success": False, "description": description}, "validationErrors": errors}
        )
    except VerificationError as error:
        return Status(
            400,
            {
                "status": {"success": False, "description": str(error)},
                "validationErrors": [str(error)],
            },
        )
    return Status(201, _ok([assertion_out(request, entry, {"badgeclass", "issuer"})]))
