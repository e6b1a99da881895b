"""The Open Badges 3.0 API under /ims/ob/v3p0: credentials and profile, behind the same OAuth2 server.

GET /discovery is the unauthenticated Service Description Document: this API's OpenAPI document,
which names the registration, authorization and token endpoints and the scopes. Errors are
Imsx_StatusInfo objects (4xx, never 5xx).
"""

import json
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Schema

from besace.backpack.imports import AlreadyInBackpack, ImportRefused, badge_import, badge_replace
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
from besace.connect.ob21 import profile_id
from besace.connect.services import InvalidName, profile_name_update
from besace.issuing.credentials import open_badge_credential
from besace.issuing.models import SigningKey
from besace.issuing.signing import issuer_signing_key
from besace.openbadges.jsonld_contexts import OB3_CONTEXT
from besace.openbadges.signing import is_compact_jws
from besace.openbadges.verify import jws
from besace.openbadges.verify.model import VerificationError
from besace.openbadges.verify.ob2 import parse_json_object
from besace.openbadges.verify.verifier import BadgeInput
from besace.verify.fetchers import badge_fetcher

ob30_api = ImsApi(
    title="Besace Open Badges 3.0 API",
    version="3.0",
    description="Read the credentials of a Besace backpack and add some to it, with the user's consent.",
    urls_namespace="ob30",
    base_path="/ims/ob/v3p0",
    scopes=scopes.OB30_SCOPES,
)


class CodeMinorField(Schema):
    imsx_codeMinorFieldName: str
    imsx_codeMinorFieldValue: str


class CodeMinor(Schema):
    imsx_codeMinorField: list[CodeMinorField]


class StatusInfo(Schema):
    imsx_codeMajor: str
    imsx_severity: str
    imsx_description: str
    imsx_codeMinor: CodeMinor


class CredentialsOut(Schema):
    credential: list[dict[str, Any]]
    compactJwsString: list[str]  # noqa: N815 (the spec's field name)


class ProfileIn(Schema):
    name: str

    model_config = {"extra": "allow"}


ERRORS = {401: StatusInfo, 403: StatusInfo}
UPSERT = scoped(scopes.OB30_CREDENTIAL_UPSERT)
CREDENTIAL_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "description": "An AchievementCredential"}},
            "application/vc+ld+json": {"schema": {"type": "object"}},
            "text/plain": {"schema": {"type": "string", "description": "A VC-JWT (compact JWS)"}},
        },
    }
}


def _status_info(request, status: int, minor: str, description: str, **headers: str):
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }
    response = ob30_api.create_response(request, body, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


error_handlers_install(
    ob30_api,
    _status_info,
    {
        "unauthenticated": "unauthorizedrequest",
        "forbidden": "forbidden",
        "invalid": "invalid_data",
        "bad_query": "invalid_query_parameter",
        "not_found": "not_found",
        "bad_request": "invalid_data",
    },
)


@ob30_api.get(
    "/discovery",
    auth=None,
    summary="The Service Description Document: this OpenAPI document, with the OAuth2 endpoints",
    operation_id="getServiceDescription",
)
def discovery(request: HttpRequest):
    return ob30_api.get_openapi_schema()


def _credential_badges(user):
    """Imported OB 3.0 credentials, and Besace's own awards (each is also an OpenBadgeCredential)."""
    return backpack_badges(user).filter(Q(source=BackpackBadge.Source.AWARD) | Q(version="3.0"))


@ob30_api.get(
    "/credentials",
    response={200: CredentialsOut, 400: StatusInfo, **ERRORS},
    summary="The user's OpenBadgeCredentials, newest first",
    operation_id="getCredentials",
    **scoped(scopes.OB30_CREDENTIAL_READ),
)
def get_credentials(
    request: HttpRequest,
    limit: int | None = LIMIT,
    offset: int = OFFSET,
    since: str | None = SINCE,
):
    entries = (
        _credential_badges(request.auth)
        .select_related("assertion__badge_class__issuer")
        .prefetch_related("assertion__badge_class__alignments")
    )
    page = page_of(request, entries, limit=limit, offset=offset, since=since)
    credentials, compact = [], []
    keys: dict[int, SigningKey] = {}  # looked up once per issuer, not once per credential
    for entry in page.items:
        if entry.assertion_id:
            issuer = entry.assertion.badge_class.issuer
            if issuer.pk not in keys:
                keys[issuer.pk] = issuer_signing_key(issuer, SigningKey.Algorithm.ED25519)
            credentials.append(open_badge_credential(entry.assertion, key=keys[issuer.pk]))
        elif is_compact_jws(entry.original.strip()):
            compact.append(entry.original.strip())
        else:
            credentials.append(json.loads(entry.original))
    body = {"credential": credentials, "compactJwsString": compact}
    return paged_response(ob30_api.create_response(request, body, status=200), page)


def _credential_text(request: HttpRequest) -> str:
    """The posted credential: JSON, or a compact JWS (text/plain); VerificationError when it is neither
    an OpenBadgeCredential nor a VC-JWT."""
    try:
        text = request.body.decode("utf-8").strip()
    except UnicodeDecodeError as error:
        raise VerificationError("The body is not UTF-8 text.") from error
    if is_compact_jws(text):
        document = parse_json_object(jws.read_unverified(text).payload_text)
        document = document.get("vc", document) if isinstance(document.get("vc"), dict) else document
    else:
        document = parse_json_object(text)
    types = document.get("type")
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        raise VerificationError("This is not a Verifiable Credential (type VerifiableCredential).")
    return text


@ob30_api.post(
    "/credentials",
    response={200: dict, 201: dict, 400: StatusInfo, **ERRORS},
    summary="Add a credential to the user's backpack (201), or replace the one with its id (200)",
    operation_id="upsertCredential",
    auth=UPSERT["auth"],
    openapi_extra={**UPSERT["openapi_extra"], **CREDENTIAL_BODY},
)
def upsert_credential(request: HttpRequest):
    client = request.oauth_application.name
    fetcher = badge_fetcher()
    try:
        text = _credential_text(request)
        source = BadgeInput(text=text)
        try:
            badge_import(user=request.auth, source=source, fetcher=fetcher, pushed_by=client)
            status = 201
        except AlreadyInBackpack as already:
            badge_replace(entry=already.entry, source=source, fetcher=fetcher, pushed_by=client)
            status = 200
    except ImportRefused as refused:
        return _status_info(request, 400, "invalid_data", refused.description)
    except VerificationError as error:
        return _status_info(request, 400, "invalid_data", str(error))
    if is_compact_jws(text):
        return HttpResponse(text, status=status, content_type="text/plain")
    return ob30_api.create_response(request, json.loads(text), status=status)


def _profile(user) -> dict:
    profile = {"@context": [OB3_CONTEXT], "type": ["Profile"], "id": profile_id(user), "email": user.email}
    if name := user.get_full_name():
        profile["name"] = name
    return profile


@ob30_api.get(
    "/profile",
    response={200: dict, **ERRORS},
    summary="The user's profile",
    operation_id="getProfile",
    **scoped(scopes.OB30_PROFILE_READ),
)
def get_profile(request: HttpRequest):
    return _profile(request.auth)


@ob30_api.put(
    "/profile",
    response={200: dict, 400: StatusInfo, **ERRORS},
    summary="Change the user's name (the only part of the profile a client may change)",
    operation_id="putProfile",
    **scoped(scopes.OB30_PROFILE_UPDATE),
)
def put_profile(request: HttpRequest, data: ProfileIn):
    try:
        profile_name_update(user=request.auth, name=data.name, client=request.oauth_application.name)
    except InvalidName as error:
        return _status_info(request, 400, "invalid_data", str(error))
    return _profile(request.auth)
