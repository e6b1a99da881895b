"""The Badge Connect API (Open Badges 2.1) under /ims/ob/v2p1: what Moodle's "OBv2.1" backpack uses.

Every answer carries the spec's envelope ``{"status": {"statusCode", "statusText", "error"}}``, errors
included (4xx, never 5xx); Moodle counts an export as done when ``status.statusCode`` is 200. The
``error`` text appears only on errors: the spec's JSON schema types it as a string, not null.
"""

import json
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from ninja import Schema

from besace.backpack.imports import AlreadyInBackpack, ImportRefused, badge_import
from besace.backpack.models import BackpackBadge
from besace.backpack.selectors import backpack_badges
from besace.connect import scopes
from besace.connect.api_common import (
    LIMIT,
    OFFSET,
    SINCE,
    ImsApi,
    error_handlers_install,
    page_of,
    paged_response,
    scoped,
)
from besace.connect.services import InvalidName, profile_name_update
from besace.issuing.jsonld import assertion_document
from besace.issuing.signing import signed_assertion_jws
from besace.openbadges.signing import is_compact_jws
from besace.openbadges.verify.model import VerificationError
from besace.openbadges.verify.verifier import BadgeInput
from besace.verify.fetchers import badge_fetcher

OB2_CONTEXT = "https://w3id.org/openbadges/v2"

ob21_api = ImsApi(
    title="Besace Badge Connect API (Open Badges 2.1)",
    version="2.1",
    description="Read the badges of a Besace backpack and add badges to it, with the user's consent.",
    urls_namespace="ob21",
    base_path="/ims/ob/v2p1",
    scopes=scopes.OB21_SCOPES,
)


class StatusOut(Schema):
    statusCode: int  # noqa: N815 (the spec's field names)
    statusText: str  # noqa: N815
    error: str | None = None


class StatusEnvelope(Schema):
    status: StatusOut


class AssertionsEnvelope(Schema):
    status: StatusOut
    assertions: list[dict[str, Any]]
    signedAssertions: list[str]  # noqa: N815


class ProfileEnvelope(Schema):
    status: StatusOut
    profile: dict[str, Any]


class AssertionIn(Schema):
    assertion: dict[str, Any] | str | None = None  # an OB 2.0 assertion, or its URL
    signedAssertion: str | None = None  # noqa: N815 (a compact JWS)


class ProfileIn(Schema):
    name: str

    model_config = {"extra": "allow"}


OK = {"statusCode": 200, "statusText": "OK"}


def _error(request, status: int, text: str, error: str, **headers: str):
    response = ob21_api.create_response(
        request, {"status": {"statusCode": status, "statusText": text, "error": error}}, status=status
    )
    for name, value in headers.items():
        response[name] = value
    return response


error_handlers_install(
    ob21_api,
    _error,
    {
        "unauthenticated": "UNAUTHENTICATED",
        "forbidden": "PERMISSION_DENIED",
        "invalid": "REQUEST_VALIDATION_ERROR",
        "bad_query": "REQUEST_VALIDATION_ERROR",
        "not_found": "NOT_FOUND",
        "bad_request": "BAD_REQUEST",
    },
)


def _ob2_badges(user):
    """The backpack's Open Badges 2.0 badges: Besace's awards and imported 2.0 ones."""
    return backpack_badges(user).filter(Q(source=BackpackBadge.Source.AWARD) | Q(version="2.0"))


def _as_ob2(entry: BackpackBadge) -> tuple[dict | None, str | None]:
    """(assertion, signed assertion): one of them, as the badge is hosted or signed."""
    if entry.assertion_id:
        if entry.assertion.delivers_signed:
            return None, signed_assertion_jws(entry.assertion)
        return assertion_document(entry.assertion), None
    if is_compact_jws(entry.original.strip()):
        return None, entry.original.strip()
    return json.loads(entry.original), None


@ob21_api.get(
    "/assertions",
    response={200: AssertionsEnvelope, 400: StatusEnvelope, 401: StatusEnvelope, 403: StatusEnvelope},
    summary="The user's Open Badges 2.0 assertions, newest first",
    operation_id="getAssertions",
    **scoped(scopes.OB21_ASSERTION_READ),
)
def get_assertions(
    request: HttpRequest,
    limit: int | None = LIMIT,
    offset: int = OFFSET,
    since: str | None = SINCE,
):
    entries = _ob2_badges(request.auth).select_related("assertion__badge_class__issuer")
    page = page_of(request, entries, limit=limit, offset=offset, since=since)
    assertions, signed = [], []
    for entry in page.items:
        assertion, jws = _as_ob2(entry)
        if jws is not None:
            signed.append(jws)
        else:
            assertions.append(assertion)
    body = {"status": OK, "assertions": assertions, "signedAssertions": signed}
    return paged_response(ob21_api.create_response(request, body, status=200), page)


def _badge_input(data: AssertionIn) -> BadgeInput:
    given = [value for value in (data.assertion, data.signedAssertion) if value not in (None, "")]
    if len(given) != 1:
        raise VerificationError("Give exactly one of assertion or signedAssertion.")
    value = given[0]
    return BadgeInput(text=value if isinstance(value, str) else json.dumps(value))


@ob21_api.post(
    "/assertions",
    response={200: StatusEnvelope, 400: StatusEnvelope, 401: StatusEnvelope, 403: StatusEnvelope},
    summary="Verify an assertion (JSON, URL or signed) and add it to the user's backpack",
    description="A badge already in the backpack is answered 200 as well: it is there.",
    operation_id="postAssertion",
    exclude_none=True,
    **scoped(scopes.OB21_ASSERTION_CREATE),
)
def post_assertion(request: HttpRequest, data: AssertionIn):
    try:
        badge_import(
            user=request.auth,
            source=_badge_input(data),
            fetcher=badge_fetcher(),
            pushed_by=request.oauth_application.name,
        )
    except AlreadyInBackpack:
        pass
    except ImportRefused as refused:
        text = "RECIPIENT_PROFILE_MISMATCH" if refused.only_recipient_differs else "INVALID_BADGE"
        return _error(request, 400, text, refused.description)
    except VerificationError as error:
        return _error(request, 400, "REQUEST_VALIDATION_ERROR", str(error))
    return {"status": OK}


def profile_id(user) -> str:
    """A stable IRI for the user, which says nothing about them."""
    return f"urn:uuid:{uuid5(NAMESPACE_URL, f'{settings.BESACE_BASE_URL}/users/{user.pk}')}"


def _profile(user) -> dict:
    profile = {"@context": OB2_CONTEXT, "id": profile_id(user), "type": "Profile", "email": user.email}
    if name := user.get_full_name():
        profile["name"] = name
    return profile


@ob21_api.get(
    "/profile",
    response={200: ProfileEnvelope, 401: StatusEnvelope, 403: StatusEnvelope},
    summary="The user's profile",
    operation_id="getProfile",
    exclude_none=True,
    **scoped(scopes.OB21_PROFILE_READ),
)
def get_profile(request: HttpRequest):
    return {"status": OK, "profile": _profile(request.auth)}


@ob21_api.post(
    "/profile",
    response={200: ProfileEnvelope, 400: StatusEnvelope, 401: StatusEnvelope, 403: StatusEnvelope},
    summary="Change the user's name (the only part of the profile a client may change)",
    operation_id="postProfile",
    exclude_none=True,
    **scoped(scopes.OB21_PROFILE_UPDATE),
)
def post_profile(request: HttpRequest, data: ProfileIn):
    try:
        profile_name_update(user=request.auth, name=data.name, client=request.oauth_application.name)
    except InvalidName as error:
        return _error(request, 400, "REQUEST_VALIDATION_ERROR", str(error))
    return {"status": OK, "profile": _profile(request.auth)}
