"""The Badgr-compatible API (/v2/) that Moodle's "OBv2.0" connections use.

Two sides, as in Badgr: the earner's backpack (/v2/backpack/..., Moodle's user backpack) and the
issuer's objects (/v2/issuers, /v2/badgeclasses, /v2/assertions: Moodle's "site backpack" account issues
the site's badges there). Answers use Badgr's envelope ``{"status": {"success", "description"},
"result": [...]}``; Moodle reads ``result`` and takes ``[0]`` for single objects. Every endpoint needs
``Authorization: Bearer <token>`` (from POST /o/token) and shows only what the token owner may see:
their own backpack, and the issuers they are staff of (as besace.access says). An id the owner may not
see answers 404, as an unknown one does.
"""

import base64
import binascii
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest
from django.utils.translation import get_language, gettext
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from besace import access
from besace.api.tokens import user_for_access_token
from besace.backpack.imports import IMAGE_ACCEPT, AlreadyInBackpack, ImportRefused, badge_import
from besace.backpack.models import BackpackBadge, Collection
from besace.backpack.selectors import backpack_badges
from besace.issuing import services as issuing
from besace.issuing.forms import AlignmentForm, AwardForm, BadgeClassForm, IssuerForm
from besace.issuing.models import Assertion, BadgeClass, Issuer, public_url
from besace.openbadges.errors import OpenBadgesError
from besace.openbadges.hashing import normalise_email
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


class AlignmentOut(Schema):
    targetName: str  # noqa: N815
    targetUrl: str  # noqa: N815
    targetDescription: str | None = None  # noqa: N815
    targetFramework: str | None = None  # noqa: N815
    targetCode: str | None = None  # noqa: N815


class ExpiresIO(Schema):
    amount: int
    duration: str  # days, weeks, months or years


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
    issuerOpenBadgeId: str | None = None  # noqa: N815
    alignments: list[AlignmentOut] = []
    tags: list[str] = []
    expires: ExpiresIO | None = None


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


class IssuersEnvelope(Schema):
    status: StatusOut
    result: list[IssuerOut]


class BadgeClassesEnvelope(Schema):
    status: StatusOut
    result: list[BadgeClassOut]


class ErrorEnvelope(Schema):
    status: StatusOut
    result: list[Any] = []
    fieldErrors: dict[str, list[str]] = {}  # noqa: N815
    validationErrors: list[str] = []  # noqa: N815


# Any endpoint may answer these: a malformed or too large request, a missing, wrong or expired token.
ERRORS = {400: ErrorEnvelope, 401: ErrorEnvelope, 413: ErrorEnvelope}


class ImportIn(Schema):
    url: str | None = None
    image: str | None = None  # base64 PNG or SVG, optionally as a data: URI
    assertion: dict[str, Any] | str | None = None  # an assertion (JSON object or text) or compact JWS


OK = {"success": True, "description": "ok"}


def _ok(result: list) -> dict:
    return {"status": OK, "result": result}


def _error(
    request,
    status: int,
    description: str,
    errors: list[str] | None = None,
    field_errors: dict[str, list[str]] | None = None,
):
    body = {
        "status": {"success": False, "description": description},
        "result": [],
        "fieldErrors": field_errors or {},
        "validationErrors": errors or [],
    }
    response = badgr_api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@badgr_api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, 401, "Authentication credentials were not provided or are invalid or expired.")


@badgr_api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # django-ninja's own refusals (a body that is not JSON...), in Badgr's envelope like the others.
    return _error(request, exc.status_code, exc.message)


@badgr_api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _error(request, 413, "The request is too large.")


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
        "acceptance": "Unaccepted" if entry.state == BackpackBadge.State.PENDING else "Accepted",
    }


def _entries(request):
    return backpack_badges(request.auth)


@badgr_api.get("/users/self", response={200: UserEnvelope, **ERRORS}, summary="The token owner's profile")
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


@badgr_api.get(
    "/backpack/collections", response={200: CollectionsEnvelope, **ERRORS}, summary="The owner's collections"
)
def collections(request: HttpRequest):
    return _ok([_collection_out(c) for c in Collection.objects.filter(owner=request.auth)])


@badgr_api.get(
    "/backpack/collections/{entity_id}",
    response={200: CollectionsEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="One collection (in result[0])",
)
def collection(request: HttpRequest, entity_id: str):
    found = Collection.objects.filter(owner=request.auth, public_id=entity_id).first()
    if found is None:
        raise Http404
    return _ok([_collection_out(found)])


@badgr_api.get(
    "/backpack/assertions", response={200: AssertionsEnvelope, **ERRORS}, summary="The owner's badges"
)
def assertions(request: HttpRequest, expand: list[str] = Query(default=[])):  # noqa: B008
    return _ok([assertion_out(request, e, set(expand)) for e in _entries(request)])


@badgr_api.get(
    "/backpack/assertions/{entity_id}",
    response={200: AssertionsEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="One badge (in result[0]); expand=badgeclass&expand=issuer embeds them",
)
def assertion(request: HttpRequest, entity_id: str, expand: list[str] = Query(default=[])):  # noqa: B008
    entry = _entries(request).filter(public_id=entity_id).first()
    if entry is None:
        raise Http404
    return _ok([assertion_out(request, entry, set(expand))])


def _base64_bytes(value: str) -> bytes:
    """Base64 text, bare or as a data: URI (``data:image/png;base64,...``); ValueError when it is not."""
    encoded = value.partition(",")[2] if value.startswith("data:") else value
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise ValueError(str(error)) from error


def _badge_input(data: ImportIn) -> BadgeInput:
    given = [v for v in (data.url, data.image, data.assertion) if v not in (None, "")]
    if len(given) != 1:
        raise VerificationError("Give exactly one of url, image or assertion.")
    if data.url:
        return BadgeInput(url=data.url)
    if data.image:
        try:
            return BadgeInput(image=_base64_bytes(data.image))
        except ValueError as error:
            raise VerificationError("The image is not valid base64.") from error
    text = data.assertion if isinstance(data.assertion, str) else json.dumps(data.assertion)
    return BadgeInput(text=text)


@badgr_api.post(
    "/backpack/import",
    response={201: AssertionsEnvelope, **ERRORS},
    summary="Verify a badge (url, base64 image or assertion) and add it to the owner's backpack",
)
def backpack_import(request: HttpRequest, data: ImportIn):
    try:
        entry = badge_import(
            user=request.auth,
            source=_badge_input(data),
            fetcher=badge_fetcher(),
            pushed_by=BackpackBadge.PUSHED_BY_PASSWORD_APP,
        )
    except AlreadyInBackpack:
        return Status(
            400,
            {
                "status": {"success": False, "description": "You already have this badge in your backpack"},
                "validationErrors": ["DUPLICATE_BADGE: You already have this badge in your backpack"],
            },
        )
    except ImportRefused as refused:
        errors = [f"{c.name}: {c.message}" for c in refused.failed_checks]
        return Status(
            400,
            {"status": {"success": False, "description": refused.description}, "validationErrors": errors},
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


# The issuer's side: what Moodle's site backpack account does to issue the site's badges
# (badges/classes/backpack_api.php, put_assertions): POST /issuers, POST /issuers/{id}/badgeclasses,
# POST /badgeclasses/{id}/assertions, later PUT /assertions/{id} to bring an award up to date. Moodle
# then builds /public/assertions/{entityId} on this host and imports that URL into the earner's
# backpack: entityIds are Besace's public ids, so it is the award's real public URL. Input is checked
# by the issuing forms the web pages use, changes are made by the issuing services (which audit them).

EXPIRY_DAYS = {"days": 1, "weeks": 7, "months": 30, "years": 365}
MAX_ALIGNMENTS = 20


class InvalidInput(Exception):
    """A 400 in Badgr's shape: errors by field, and errors about the request as a whole."""

    def __init__(self, field_errors: dict[str, list[str]] | None = None, errors: list[str] | None = None):
        super().__init__("invalid input")
        self.field_errors = field_errors or {}
        self.errors = errors or []


class RoleTooLow(Exception):
    """Staff of the issuer whose role does not allow the change (they know the object exists)."""


@badgr_api.exception_handler(InvalidInput)
def _invalid_input(request, exc: InvalidInput):
    return _error(request, 400, "Invalid request.", exc.errors, exc.field_errors)


@badgr_api.exception_handler(DjangoValidationError)
def _refused_by_service(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return _error(request, 400, "Invalid request.", field_errors=exc.message_dict)
    return _error(request, 400, "Invalid request.", exc.messages)


@badgr_api.exception_handler(RoleTooLow)
def _role_too_low(request, exc):
    return _error(request, 403, "Your role on this issuer does not allow this.")


def _form_errors(form, names: dict[str, str]) -> InvalidInput:
    """A Django form's errors under the API's field names (``names``: form field -> API field)."""
    field_errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        if field != "__all__":
            field_errors.setdefault(names.get(field, field), []).extend(str(m) for m in messages)
    return InvalidInput(field_errors, [str(m) for m in form.non_field_errors()])


class IssuerIn(Schema):
    name: str = ""
    url: str = ""
    email: str = ""
    description: str = ""
    image: str | dict[str, Any] | None = None


class AlignmentIn(Schema):
    targetName: str = ""  # noqa: N815
    targetUrl: str = ""  # noqa: N815
    targetDescription: str = ""  # noqa: N815
    targetFramework: str = ""  # noqa: N815
    targetCode: str = ""  # noqa: N815


class BadgeClassIn(Schema):
    name: str = ""
    description: str = ""
    image: str | dict[str, Any] | None = None
    criteriaUrl: str | None = ""  # noqa: N815
    criteriaNarrative: str | None = ""  # noqa: N815
    alignments: list[AlignmentIn] = []
    alignment: list[AlignmentIn] = []  # Moodle's exporter's name for the list
    tags: list[str] = []
    expires: ExpiresIO | None = None


class RecipientIn(Schema):
    identity: str = ""
    type: str = "email"
    hashed: bool | None = None
    plaintextIdentity: str | None = None  # noqa: N815


class EvidenceIn(Schema):
    url: str | None = ""
    narrative: str | None = ""


class AssertionIn(Schema):
    recipient: RecipientIn | None = None
    issuedOn: str | None = None  # noqa: N815
    narrative: str | None = ""
    evidence: list[EvidenceIn] | str | None = None
    revoked: bool = False
    revocationReason: str | None = ""  # noqa: N815


class RevocationIn(Schema):
    revocation_reason: str = ""


def _image_upload(value: str | dict | None) -> SimpleUploadedFile | None:
    """An image given as a data: URI (Moodle sends a base64 PNG) or an http(s) URL, as an upload for
    the issuing forms to check. URLs are fetched through the SSRF-safe fetcher."""
    if isinstance(value, dict):  # an OB 2.0 Image object
        value = value.get("id")
    if not value:
        return None
    invalid = InvalidInput({"image": [gettext("Give the image as a data: URI or an http(s) URL.")]})
    if not isinstance(value, str):
        raise invalid
    if value.startswith("data:"):
        if len(value) > settings.BESACE_MAX_IMAGE_BYTES * 4 // 3 + 100:
            raise InvalidInput({"image": [gettext("The image is too large.")]})
        try:
            content = _base64_bytes(value)
        except ValueError:
            raise InvalidInput({"image": [gettext("The image is not valid base64.")]}) from None
    elif value.startswith(("http://", "https://")):
        try:
            document = badge_fetcher().fetch(value, accept=IMAGE_ACCEPT)
        except OpenBadgesError:
            document = None
        if document is None or document.status != 200:
            raise InvalidInput({"image": [gettext("The image could not be fetched from its URL.")]})
        content = document.body
    else:
        raise invalid
    return SimpleUploadedFile("image", content)


def _issuer_out(issuer: Issuer) -> dict:
    return {
        "entityId": issuer.public_id,
        "openBadgeId": issuer.public_url,
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description,
        "image": public_url("public:issuer_image", issuer.public_id) if issuer.image else None,
    }


def _badge_class_out(badge_class: BadgeClass, expand: set[str]) -> dict:
    issuer = badge_class.issuer
    days = badge_class.expires_after_days
    return {
        "entityId": badge_class.public_id,
        "openBadgeId": badge_class.public_url,
        "issuer": _issuer_out(issuer) if "issuer" in expand else issuer.public_id,
        "issuerOpenBadgeId": issuer.public_url,
        "name": badge_class.name,
        "description": badge_class.description,
        "image": badge_class.image_url,
        "criteriaUrl": badge_class.criteria_url or None,
        "criteriaNarrative": badge_class.criteria_text or None,
        "alignments": [
            {
                "targetName": a.target_name,
                "targetUrl": a.target_url,
                "targetDescription": a.target_description or None,
                "targetFramework": a.target_framework or None,
                "targetCode": a.target_code or None,
            }
            for a in badge_class.alignments.all()
        ],
        "tags": badge_class.tags,
        "expires": {"amount": days, "duration": "days"} if days else None,
    }


ACCEPTANCE = {
    Assertion.RecipientState.PENDING: "Unaccepted",
    Assertion.RecipientState.ACCEPTED: "Accepted",
    Assertion.RecipientState.DECLINED: "Rejected",
}


def _award_out(assertion: Assertion, expand: set[str]) -> dict:
    badge_class = assertion.badge_class
    evidence = (
        [{"url": assertion.evidence_url or None, "narrative": assertion.evidence_narrative or None}]
        if assertion.evidence_url or assertion.evidence_narrative
        else []
    )
    return {
        "entityId": assertion.public_id,
        "openBadgeId": assertion.public_url,
        "badgeclass": _badge_class_out(badge_class, expand)
        if "badgeclass" in expand
        else badge_class.public_id,
        "badgeclassOpenBadgeId": badge_class.public_url,
        "issuer": badge_class.issuer.public_id,
        "issuerOpenBadgeId": badge_class.issuer.public_url,
        "image": assertion.baked_url,
        "recipient": {
            "identity": assertion.identity_hash,
            "type": "email",
            "hashed": True,
            "plaintextIdentity": assertion.recipient_email,
            "salt": assertion.salt,
        },
        "issuedOn": assertion.issued_on.isoformat(),
        "expires": assertion.expires.isoformat() if assertion.expires else None,
        "narrative": assertion.narrative or None,
        "evidence": evidence,
        "revoked": assertion.revoked,
        "revocationReason": assertion.revocation_reason or None,
        "acceptance": ACCEPTANCE.get(assertion.recipient_state, "Unaccepted"),
    }


def _staff_issuers(request):
    return access.issuers_for_staff(request.auth)


def _allowed(request, issuer: Issuer, permission: str) -> None:
    if not access.issuer_can(request.auth, permission, issuer):
        raise RoleTooLow


def _issuer_get(request, entity_id: str, permission: str = "issuer.view") -> Issuer:
    issuer = _staff_issuers(request).filter(public_id=entity_id).first()
    if issuer is None:
        raise Http404
    _allowed(request, issuer, permission)
    return issuer


def _badge_class_get(request, entity_id: str, permission: str = "issuer.view") -> BadgeClass:
    found = (
        BadgeClass.objects.select_related("issuer")
        .filter(public_id=entity_id, issuer__in=_staff_issuers(request))
        .first()
    )
    if found is None:
        raise Http404
    _allowed(request, found.issuer, permission)
    return found


def _award_get(request, entity_id: str, permission: str = "issuer.view") -> Assertion:
    found = (
        Assertion.objects.select_related("badge_class__issuer")
        .filter(public_id=entity_id, badge_class__issuer__in=_staff_issuers(request))
        .first()
    )
    if found is None:
        raise Http404
    _allowed(request, found.badge_class.issuer, permission)
    return found


# Issuers


@badgr_api.get(
    "/issuers", response={200: IssuersEnvelope, **ERRORS}, summary="The issuers the token owner is staff of"
)
def issuers(request: HttpRequest):
    return _ok([_issuer_out(i) for i in _staff_issuers(request).order_by("name", "id")])


@badgr_api.post(
    "/issuers",
    response={201: IssuersEnvelope, **ERRORS},
    summary="Create an issuer; the token owner becomes its owner",
)
def issuer_create(request: HttpRequest, data: IssuerIn):
    form = IssuerForm(
        {"name": data.name, "url": data.url, "email": data.email, "description": data.description},
        {"image": upload} if (upload := _image_upload(data.image)) else {},
    )
    if not form.is_valid():
        raise _form_errors(form, {})
    issuer = issuing.issuer_create(owner=request.auth, **form.cleaned_data)
    return Status(201, _ok([_issuer_out(issuer)]))


@badgr_api.get(
    "/issuers/{entity_id}",
    response={200: IssuersEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="One issuer",
)
def issuer(request: HttpRequest, entity_id: str):
    return _ok([_issuer_out(_issuer_get(request, entity_id))])


@badgr_api.put(
    "/issuers/{entity_id}",
    response={200: IssuersEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="Update an issuer (its owners); fields left empty keep their value",
)
def issuer_update(request: HttpRequest, entity_id: str, data: IssuerIn):
    found = _issuer_get(request, entity_id, "issuer.edit")
    given = {"name": data.name, "url": data.url, "email": data.email, "description": data.description}
    current = {name: getattr(found, name) for name in given}
    form = IssuerForm(
        {name: value or current[name] for name, value in given.items()},
        {"image": upload} if (upload := _image_upload(data.image)) else {},
        instance=Issuer.objects.get(pk=found.pk),  # a ModelForm writes into its instance while checking
    )
    if not form.is_valid():
        raise _form_errors(form, {})
    fields = {name: value for name, value in form.cleaned_data.items() if name != "image" or value}
    return _ok([_issuer_out(issuing.issuer_update(issuer=found, actor=request.auth, **fields))])


# Badge classes


@badgr_api.get(
    "/badgeclasses",
    response={200: BadgeClassesEnvelope, **ERRORS},
    summary="The badge classes of the owner's issuers",
)
def badge_classes(request: HttpRequest):
    found = BadgeClass.objects.filter(issuer__in=_staff_issuers(request)).select_related("issuer")
    return _ok(
        [_badge_class_out(b, set()) for b in found.prefetch_related("alignments").order_by("name", "id")]
    )


@badgr_api.get(
    "/issuers/{entity_id}/badgeclasses",
    response={200: BadgeClassesEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="The badge classes of one issuer",
)
def issuer_badge_classes(request: HttpRequest, entity_id: str):
    found = _issuer_get(request, entity_id)
    badge_classes = found.badge_classes.prefetch_related("alignments").order_by("name", "id")
    return _ok([_badge_class_out(b, set()) for b in badge_classes])


def _expires_after_days(expires: ExpiresIO | None) -> int | None:
    if expires is None:
        return None
    if expires.duration not in EXPIRY_DAYS or expires.amount < 1:
        raise InvalidInput({"expires": [gettext("Give a positive amount of days, weeks, months or years.")]})
    return expires.amount * EXPIRY_DAYS[expires.duration]


def _alignments(items: list[AlignmentIn]) -> list[dict]:
    if len(items) > MAX_ALIGNMENTS:
        raise InvalidInput({"alignments": [gettext("At most %d alignments.") % MAX_ALIGNMENTS]})
    cleaned, field_errors = [], {}
    for position, item in enumerate(items):
        form = AlignmentForm(
            {
                "target_name": item.targetName,
                "target_url": item.targetUrl,
                "target_description": item.targetDescription,
                "target_framework": item.targetFramework,
                "target_code": item.targetCode,
            }
        )
        if form.is_valid():
            cleaned.append(form.cleaned_data)
        else:
            for field, messages in form.errors.items():
                api_name = "target" + field.removeprefix("target_").title()
                field_errors[f"alignments.{position}.{api_name}"] = [str(m) for m in messages]
    if field_errors:
        raise InvalidInput(field_errors)
    return cleaned


@badgr_api.post(
    "/issuers/{entity_id}/badgeclasses",
    response={201: BadgeClassesEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="Create a badge class (image: a data: URI or URL of a PNG or SVG)",
)
def badge_class_create(request: HttpRequest, entity_id: str, data: BadgeClassIn):
    found = _issuer_get(request, entity_id, "badgeclass.edit")
    form = BadgeClassForm(
        {
            "name": data.name,
            "description": data.description,
            "criteria_text": data.criteriaNarrative or "",
            "criteria_url": data.criteriaUrl or "",
            "tags": ",".join(data.tags),
            "expires_after_days": _expires_after_days(data.expires) or "",
        },
        {"image": upload} if (upload := _image_upload(data.image)) else {},
    )
    alignments = _alignments(data.alignments or data.alignment)
    if not form.is_valid():
        raise _form_errors(
            form,
            {
                "criteria_text": "criteriaNarrative",
                "criteria_url": "criteriaUrl",
                "expires_after_days": "expires",
            },
        )
    badge_class = issuing.badge_class_create(
        issuer=found, actor=request.auth, alignments=alignments, **form.cleaned_data
    )
    return Status(201, _ok([_badge_class_out(badge_class, set())]))


@badgr_api.get(
    "/badgeclasses/{entity_id}",
    response={200: BadgeClassesEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="One badge class; expand=issuer embeds its issuer",
)
def badge_class(request: HttpRequest, entity_id: str, expand: list[str] = Query(default=[])):  # noqa: B008
    return _ok([_badge_class_out(_badge_class_get(request, entity_id), set(expand))])


# Awards (Badgr's issuer-side assertions)


def _recipient_email(recipient: RecipientIn | None) -> str:
    """The recipient's address. Moodle sends it in ``identity`` while saying ``hashed: true``: what
    counts is whether it is an address, and a hash cannot be written to."""
    if recipient is None:
        raise InvalidInput({"recipient": [gettext("The recipient is required.")]})
    if recipient.type != "email":
        raise InvalidInput({"recipient": [gettext("Besace awards badges to e-mail addresses only.")]})
    identity = (recipient.plaintextIdentity or recipient.identity).strip()
    if "@" not in identity:  # a hash ("sha256$...") names nobody Besace can write to
        raise InvalidInput(
            {"recipient": [gettext("Give the recipient's e-mail address in plain text, not hashed.")]}
        )
    return identity


def _evidence(evidence: list[EvidenceIn] | str | None) -> tuple[str, str]:
    if isinstance(evidence, str):
        return evidence, ""
    if not evidence:
        return "", ""
    if len(evidence) > 1:
        raise InvalidInput({"evidence": [gettext("Besace keeps one piece of evidence per award.")]})
    return evidence[0].url or "", evidence[0].narrative or ""


@badgr_api.post(
    "/badgeclasses/{entity_id}/assertions",
    response={201: AssertionsEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="Award a badge class to an e-mail address (the recipient is e-mailed)",
)
def award_create(request: HttpRequest, entity_id: str, data: AssertionIn):
    found = _badge_class_get(request, entity_id, "assertion.award")
    evidence_url, evidence_narrative = _evidence(data.evidence)
    form = AwardForm(
        {
            "email": _recipient_email(data.recipient),
            "narrative": data.narrative or "",
            "evidence_url": evidence_url,
            "evidence_narrative": evidence_narrative,
            "issued_on": data.issuedOn or "",
        }
    )
    if not form.is_valid():
        raise _form_errors(
            form,
            {
                "email": "recipient",
                "issued_on": "issuedOn",
                "evidence_url": "evidence",
                "evidence_narrative": "evidence",
            },
        )
    assertion = issuing.badge_award(
        badge_class=found,
        award=issuing.AwardRequest(**form.cleaned_data),
        actor=request.auth,
        language=get_language(),
    )
    return Status(201, _ok([_award_out(assertion, set())]))


@badgr_api.get(
    "/badgeclasses/{entity_id}/assertions",
    response={200: AssertionsEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="The awards of a badge class",
)
def badge_class_awards(request: HttpRequest, entity_id: str):
    found = _badge_class_get(request, entity_id)
    awards = found.assertions.select_related("badge_class__issuer").order_by("-issued_on", "-id")
    return _ok([_award_out(a, set()) for a in awards])


@badgr_api.get(
    "/assertions/{entity_id}",
    response={200: AssertionsEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="One award; expand=badgeclass&expand=issuer embeds them",
)
def award(request: HttpRequest, entity_id: str, expand: list[str] = Query(default=[])):  # noqa: B008
    return _ok([_award_out(_award_get(request, entity_id), set(expand))])


@badgr_api.put(
    "/assertions/{entity_id}",
    response={200: AssertionsEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary='Bring an award up to date; "revoked": true revokes it (with revocationReason)',
)
def award_update(
    request: HttpRequest,
    entity_id: str,
    data: AssertionIn,
    expand: list[str] = Query(default=[]),  # noqa: B008
):
    """Moodle re-sends the award it issued "to make sure it's up to date". What an award says is fixed
    once issued (earners may hold copies); only revocation changes it, and its recipient cannot change."""
    found = _award_get(request, entity_id, "assertion.revoke" if data.revoked else "assertion.award")
    if data.recipient is not None:
        email = _recipient_email(data.recipient)
        if normalise_email(email) != found.recipient_email:
            raise InvalidInput(
                {"recipient": [gettext("An award's recipient cannot change: revoke it and award again.")]}
            )
    if data.revoked:
        found = issuing.assertion_revoke(
            assertion=found, reason=data.revocationReason or "", actor=request.auth
        )
    return _ok([_award_out(found, set(expand))])


@badgr_api.delete(
    "/assertions/{entity_id}",
    response={200: AssertionsEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, **ERRORS},
    summary="Revoke an award (Badgr's way), with an optional revocation_reason",
)
def award_revoke(request: HttpRequest, entity_id: str, data: RevocationIn | None = None):
    found = _award_get(request, entity_id, "assertion.revoke")
    reason = data.revocation_reason if data else ""
    revoked = issuing.assertion_revoke(assertion=found, reason=reason, actor=request.auth)
    return _ok([_award_out(revoked, set())])
