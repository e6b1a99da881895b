"""What the Open Badges 2.1 and 3.0 APIs share: bearer tokens checked per scope, paging, and an
OpenAPI document that names the OAuth2 endpoints (the OB 3.0 discovery document is that document)."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from besace.connect.scopes import SPEC_DESCRIPTIONS
from besace.connect.services import connection_used
from besace.connect.views import absolute

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class InsufficientScope(Exception):
    def __init__(self, scope: str):
        super().__init__(f"This access token does not carry the scope {scope}.")
        self.scope = scope


class BadQuery(Exception):
    pass


class OAuth2ACG(HttpBearer):
    """An access token from /oauth/token with ``scope``: 401 without a live token, 403 without the scope.

    Named as the specifications name their security scheme (Authorization Code Grant).
    """

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str):
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        found = (
            AccessToken.objects.select_related("user", "application").filter(token_checksum=checksum).first()
        )
        if found is None or found.is_expired() or found.user is None or not found.user.is_active:
            return None
        if not found.allow_scopes([self.scope]):
            raise InsufficientScope(self.scope)
        request.user = found.user
        request.oauth_application = found.application
        connection_used(user=found.user, application=found.application)
        return found.user


def scoped(scope: str) -> dict:
    """Decorator arguments of an operation that needs ``scope``, documented as the spec does."""
    return {"auth": OAuth2ACG(scope), "openapi_extra": {"security": [{"OAuth2ACG": [scope]}]}}


def www_authenticate(error: str | None = None, scope: str | None = None) -> str:
    value = 'Bearer realm="besace"'
    if error:
        value += f', error="{error}"'
    if scope:
        value += f', scope="{scope}"'
    return value


class ImsApi(NinjaAPI):
    """A NinjaAPI whose OpenAPI document describes the OAuth2 server as 1EdTech's Security Framework
    asks (x-imssf-* extensions, the authorization code flow and its scopes)."""

    def __init__(self, *, base_path: str, scopes: list[str], **kwargs: Any):
        super().__init__(**kwargs)
        self.base_path = base_path
        self.scopes = scopes

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Paths relative to the server URL, as the specifications write them (/credentials, /profile).
        schema = super().get_openapi_schema(path_prefix="", path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                # django-ninja lists the scheme without scopes; the operation's own entry names them.
                if "security" in operation:
                    operation["security"] = [entry for entry in operation["security"] if any(entry.values())]
        schema["info"].update(
            {
                "x-imssf-privacyPolicyUrl": absolute("accounts:data_protection"),
                "termsOfService": absolute("accounts:data_protection"),
            }
        )
        schema["servers"] = [{"url": settings.BESACE_BASE_URL + self.base_path}]
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {})["OAuth2ACG"] = {
            "type": "oauth2",
            "description": "OAuth 2.0 Authorization Code Grant authorization",
            "x-imssf-name": "Besace",
            "x-imssf-privacyPolicyUrl": absolute("accounts:data_protection"),
            "x-imssf-termsOfServiceUrl": absolute("accounts:data_protection"),
            "x-imssf-registrationUrl": absolute("connect:register"),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": absolute("connect:authorize"),
                    "tokenUrl": absolute("connect:token"),
                    "refreshUrl": absolute("connect:token"),
                    "scopes": {scope: SPEC_DESCRIPTIONS[scope] for scope in self.scopes},
                }
            },
        }
        return schema


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    links: str


# int32, as the specifications say: a larger offset would overflow the database's integers.
LIMIT = Query(None, ge=1, le=2**31 - 1)
OFFSET = Query(0, ge=0, le=2**31 - 1)
# A string, checked here: pydantic would also take a number of seconds, which the spec does not allow.
SINCE = Query(None, description="An ISO 8601 timestamp with a time zone: badges received after it.")


def _moment(since: str) -> datetime:
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadQuery("since must be an ISO 8601 timestamp with a time zone.")
    return moment


def page_of(
    request: HttpRequest, entries: QuerySet, *, limit: int | None, offset: int, since: str | None
) -> Page:
    """One page of ``entries`` (newest first), with the RFC 8288 Link header value for its neighbours."""
    if limit is not None and limit < 1 or offset < 0:
        raise BadQuery("limit must be at least 1 and offset at least 0.")
    if since is not None:
        entries = entries.filter(accepted_at__gt=_moment(since))
    size = min(limit or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    total = entries.count()
    items = list(entries[offset : offset + size])
    base = settings.BESACE_BASE_URL + request.path
    extra = {"since": since} if since is not None else {}

    def link(at: int, rel: str) -> str:
        return f'<{base}?{urlencode({"limit": size, "offset": at, **extra})}>; rel="{rel}"'

    last = max(0, (total - 1) // size * size)
    links = [link(0, "first"), link(last, "last")]
    if offset + size < total:
        links.append(link(offset + size, "next"))
    if offset > 0:
        links.append(link(max(0, offset - size), "prev"))
    return Page(items=items, total=total, links=", ".join(links))


def paged_response(response, page: Page):
    response["X-Total-Count"] = str(page.total)
    response["Link"] = page.links
    return response


# answer(request, status, spec_code, description, **headers) -> the spec's error document
ErrorAnswer = Callable[..., HttpResponse]


def error_handlers_install(api: NinjaAPI, answer: ErrorAnswer, codes: dict[str, str]) -> None:
    """The same errors on both IMS APIs, each in its spec's shape and words: `codes` names, for each of
    unauthenticated, forbidden, invalid, bad_query, not_found and bad_request, the spec's code."""

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        message = "A valid access token is required (Authorization: Bearer)."
        return answer(
            request, 401, codes["unauthenticated"], message, **{"WWW-Authenticate": www_authenticate()}
        )

    @api.exception_handler(InsufficientScope)
    def _forbidden(request, exc):
        header = www_authenticate("insufficient_scope", exc.scope)
        return answer(request, 403, codes["forbidden"], str(exc), **{"WWW-Authenticate": header})

    @api.exception_handler(ValidationError)
    def _invalid(request, exc):
        errors = "; ".join(
            f"{'.'.join(str(part) for part in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors
        )
        return answer(request, 400, codes["invalid"], errors or "Invalid request.")

    @api.exception_handler(BadQuery)
    def _bad_query(request, exc):
        return answer(request, 400, codes["bad_query"], str(exc))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return answer(request, 404, codes["not_found"], "Not found.")

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        return answer(request, exc.status_code, codes["bad_request"], str(exc))

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request, exc):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return answer(request, 413, codes["bad_request"], f"The request body is larger than {limit} bytes.")
