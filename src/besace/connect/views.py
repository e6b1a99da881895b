"""Pages and endpoints of the OAuth2 server: discovery, client registration, consent, connected apps."""

import base64
import binascii
import json
import re
from urllib.parse import parse_qs, unquote_plus, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.models import Application
from oauth2_provider.views import AuthorizationView, TokenView

from besace.accounts import throttling
from besace.connect.models import Connection
from besace.connect.scopes import OB21_SCOPES, plain_descriptions
from besace.connect.services import (
    RegistrationError,
    client_authentication_failed_record,
    client_register,
    client_registration_response,
    connection_grant,
    connection_revoke,
)

MAX_REGISTRATION_BYTES = 64 * 1024
_CSP_HOST = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")
_CSP_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")


def absolute(name: str) -> str:
    """Public URLs are built from BESACE_BASE_URL, never from the Host header."""
    return settings.BESACE_BASE_URL + reverse(name)


@require_GET
def badge_connect_manifest(request: HttpRequest) -> JsonResponse:
    """/.well-known/badgeconnect.json: where Badge Connect (OB 2.1) clients such as Moodle start."""
    manifest = {
        "@context": "https://purl.imsglobal.org/spec/ob/v2p1/ob_v2p1.jsonld",
        "id": absolute("connect:manifest"),
        "type": "Manifest",
        "badgeConnectAPI": [
            {
                "id": absolute("connect:manifest") + "#api",
                "type": "BadgeConnectAPI",
                "name": "Besace",
                "apiBase": settings.BESACE_BASE_URL + "/ims/ob/v2p1",
                "version": "v2p1",
                "termsOfServiceUrl": absolute("accounts:data_protection"),
                "privacyPolicyUrl": absolute("accounts:data_protection"),
                "scopesOffered": OB21_SCOPES,
                "registrationUrl": absolute("connect:register"),
                "authorizationUrl": absolute("connect:authorize"),
                "tokenUrl": absolute("connect:token"),
                "tokenRevocationUrl": absolute("connect:revoke"),
            }
        ],
    }
    response = JsonResponse(manifest)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _registration_error(status: int, error: str, description: str) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _registration_throttled(ip: str) -> bool:
    key = f"connect-registrations:{ip}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > settings.BESACE_CLIENT_REGISTRATIONS_PER_HOUR


@csrf_exempt
@never_cache
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    """RFC 7591 dynamic client registration, open to anyone (as Badge Connect requires), rate-limited."""
    ip = request.META.get("REMOTE_ADDR", "")
    if _registration_throttled(ip):
        response = _registration_error(429, "slow_down", "Too many registrations from this address.")
        response["Retry-After"] = "3600"
        return response
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REGISTRATION_BYTES:
        return _registration_error(400, "invalid_client_metadata", "The registration request is too large.")
    try:
        metadata = json.loads(request.body)
    except (
        ValueError,
        RecursionError,
    ):  # RecursionError: nested too deep; UnicodeDecodeError is a ValueError
        return _registration_error(400, "invalid_client_metadata", "The request body is not JSON.")
    try:
        client = client_register(metadata=metadata, ip=ip)
    except RegistrationError as error:
        return _registration_error(400, error.error, error.description)
    return JsonResponse(client_registration_response(client), status=201)


def _client_id(request: HttpRequest) -> str:
    """The client a token request names: HTTP Basic (RFC 6749 2.3.1, form-encoded) or the body."""
    scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            return unquote_plus(base64.b64decode(credentials, validate=True).decode().partition(":")[0])
        except (binascii.Error, UnicodeDecodeError):
            return ""
    return request.POST.get("client_id", "")


class ThrottledTokenView(TokenView):
    """The toolkit's token endpoint, refusing a client (or an address) after too many failed client
    authentications, as sign-ins are refused (besace.accounts.throttling)."""

    def post(self, request, *args, **kwargs):
        client_id = _client_id(request)
        if throttling.oauth_client_locked(request, client_id=client_id):
            response = JsonResponse(
                {"error": "slow_down", "error_description": throttling.lockout_message()}, status=429
            )
            response["Retry-After"] = str(throttling.lockout_seconds())
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code == 401:  # invalid_client: unknown client or wrong secret
            throttling.oauth_client_failure_count(request, client_id=client_id)
            client_authentication_failed_record(client_id=client_id, ip=throttling.client_ip(request))
        return response


class ConsentView(AuthorizationView):
    """The authorization endpoint: the signed-in user sees who asks for what, and allows or denies.

    Anyone not signed in goes to the login page and comes back (``next``), as from the
    data-protection statement Besace may ask them to accept first.
    """

    template_name = "connect/authorize.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        if application is not None:
            metadata = getattr(application, "metadata", None)
            context["client_host"] = urlsplit(metadata.client_uri).hostname if metadata else None
            context["client_metadata"] = metadata
            context["scope_descriptions"] = plain_descriptions(context.get("scopes", []))
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        # Allow and Deny post here, and the answer redirects to the client: browsers check that redirect
        # against form-action too. The client's logo comes from its own site.
        metadata = context.get("client_metadata")
        response._csp_update = {
            "form-action": _csp_sources(context.get("redirect_uri")),
            "img-src": _csp_sources(metadata.logo_uri if metadata else None),
        }
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        location = response.get("Location", "")
        granted = parse_qs(urlsplit(location).query)
        if form.cleaned_data.get("allow") and "code" in granted and "error" not in granted:
            connection_grant(
                user=self.request.user,
                application=Application.objects.get(client_id=form.cleaned_data["client_id"]),
                scopes=form.cleaned_data["scope"].split(),
            )
        return response


def _csp_sources(uri: str | None) -> list[str]:
    """The CSP source matching ``uri``: its origin (https://app.example) or, for a native app's private
    scheme (com.example.app:/callback, RFC 8252), the scheme; nothing for what a CSP cannot name."""
    parts = urlsplit(uri or "")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        try:
            host, port = parts.hostname or "", parts.port
        except ValueError:
            return []
        host = f"[{host}]" if ":" in host else host
        source = f"{scheme}://{host}" + (f":{port}" if port else "")
        return [source] if _CSP_HOST.fullmatch(host) else []
    return [f"{scheme}:"] if _CSP_SCHEME.fullmatch(scheme) else []


@login_required
def connected_apps(request: HttpRequest) -> HttpResponse:
    connections = (
        Connection.objects.filter(user=request.user, revoked_at__isnull=True)
        .select_related("application__metadata")
        .order_by("-granted_at")
    )
    rows = [(c, plain_descriptions(c.scopes)) for c in connections]
    return render(request, "connect/connected_apps.html", {"rows": rows})


@login_required
@require_POST
def connected_app_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk, user=request.user, revoked_at__isnull=True)
    connection_revoke(connection=connection, actor=request.user)
    messages.success(
        request, _("%(name)s can no longer reach your account.") % {"name": connection.application.name}
    )
    return redirect("connect:apps")
