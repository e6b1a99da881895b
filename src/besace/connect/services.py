"""Writes of the OAuth2 server: client registration, the grants users give and take back, profile
updates and credential upserts through the APIs. Every change is audited."""

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from besace.connect.models import ClientMetadata, Connection
from besace.connect.scopes import ALL_SCOPES
from besace.core.audit import audit_record

GRANT_TYPES = {"authorization_code", "refresh_token"}
URI_FIELDS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")
MAX_URI_LENGTH = 500
MAX_TEXT_LENGTH = 200
MAX_REDIRECT_URIS = 10
# A token in use is marked as used at most this often: one write per API call would be wasteful.
LAST_USED_PRECISION = timedelta(minutes=1)


class RegistrationError(Exception):
    """An RFC 7591 error: ``error`` is invalid_redirect_uri or invalid_client_metadata."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class RegisteredClient:
    application: Application
    metadata: ClientMetadata
    client_secret: str | None  # shown once, at registration; only its hash is kept


def _metadata_error(description: str) -> RegistrationError:
    return RegistrationError("invalid_client_metadata", description)


def _is_web_url(value: object) -> bool:
    if not isinstance(value, str) or len(value) > MAX_URI_LENGTH or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _redirect_uris(value: object) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > MAX_REDIRECT_URIS:
        raise RegistrationError(
            "invalid_redirect_uri", f"redirect_uris must be a list of 1 to {MAX_REDIRECT_URIS} URLs."
        )
    for uri in value:
        # Redirect URIs are compared exactly: no fragment (RFC 6749 3.1.2), no wildcard.
        if not _is_web_url(uri) or "#" in uri or "*" in uri:
            raise RegistrationError("invalid_redirect_uri", f"Not a usable redirect URI: {str(uri)[:200]!r}.")
    return list(dict.fromkeys(value))


def _text(metadata: dict, name: str, *, required: bool = False) -> str:
    value = metadata.get(name)
    if value is None and not required:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # Moodle sends its version number as it stores it, a string or a number
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > MAX_TEXT_LENGTH:
        raise _metadata_error(f"{name} must be a text of at most {MAX_TEXT_LENGTH} characters.")
    return value.strip()


def _string_list(metadata: dict, name: str, default: list[str]) -> list[str]:
    value = metadata.get(name, default)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _metadata_error(f"{name} must be a list of strings.")
    return list(dict.fromkeys(value))


def _scope(value: object) -> str:
    """The scopes asked for that Besace offers (others are left out, as RFC 7591 allows)."""
    if value is None:
        return " ".join(ALL_SCOPES)
    if not isinstance(value, str):
        raise _metadata_error("scope must be a space-separated string.")
    known = [scope for scope in dict.fromkeys(value.split()) if scope in ALL_SCOPES]
    if not known:
        raise _metadata_error("scope names none of the scopes this server offers.")
    return " ".join(known)


def client_register(*, metadata: Any, ip: str) -> RegisteredClient:
    """Register a client from its RFC 7591 metadata; RegistrationError when the metadata is unusable."""
    if not isinstance(metadata, dict):
        raise _metadata_error("The registration request must be a JSON object.")
    redirect_uris = _redirect_uris(metadata.get("redirect_uris"))
    auth_method = metadata.get("token_endpoint_auth_method", ClientMetadata.AuthMethod.CLIENT_SECRET_BASIC)
    if auth_method not in ClientMetadata.AuthMethod.values:
        raise _metadata_error("token_endpoint_auth_method must be client_secret_basic or none.")
    grant_types = _string_list(metadata, "grant_types", ["authorization_code"])
    if "authorization_code" not in grant_types or not set(grant_types) <= GRANT_TYPES:
        raise _metadata_error("grant_types must be authorization_code, optionally with refresh_token.")
    response_types = _string_list(metadata, "response_types", ["code"])
    if response_types != ["code"]:
        raise _metadata_error('response_types must be ["code"].')
    uris = {}
    for name in URI_FIELDS:
        value = metadata.get(name)
        if value is not None and not _is_web_url(value):
            raise _metadata_error(f"{name} must be an http(s) URL of at most {MAX_URI_LENGTH} characters.")
        uris[name] = value or ""
    client_name = _text(metadata, "client_name", required=True)
    public = auth_method == ClientMetadata.AuthMethod.NONE
    application = Application(
        name=client_name,
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        registration_source=Application.RegistrationSource.DCR,
    )
    # The generated secret, before saving hashes it.
    client_secret = None if public else application.client_secret
    with transaction.atomic():
        application.save()
        client = ClientMetadata.objects.create(
            application=application,
            token_endpoint_auth_method=auth_method,
            grant_types=grant_types,
            response_types=response_types,
            scope=_scope(metadata.get("scope")),
            software_id=_text(metadata, "software_id"),
            software_version=_text(metadata, "software_version"),
            **uris,
        )
        audit_record(
            action="connect.client.registered",
            target=application,
            client_name=client_name,
            software_id=client.software_id,
            redirect_uris=redirect_uris,
            ip=ip,
        )
    return RegisteredClient(application=application, metadata=client, client_secret=client_secret)


def client_registration_response(client: RegisteredClient) -> dict:
    """The RFC 7591 answer: the credentials and the metadata as registered."""
    application, metadata = client.application, client.metadata
    body: dict[str, Any] = {"client_id": application.client_id}
    if client.client_secret is not None:
        body["client_secret"] = client.client_secret
        body["client_secret_expires_at"] = 0  # never
    body["client_id_issued_at"] = int(application.created.timestamp())
    body["client_name"] = application.name
    for name in URI_FIELDS + ("software_id", "software_version"):
        if value := getattr(metadata, name):
            body[name] = value
    body.update(
        redirect_uris=application.redirect_uris.split(),
        token_endpoint_auth_method=metadata.token_endpoint_auth_method,
        grant_types=metadata.grant_types,
        response_types=metadata.response_types,
        scope=metadata.scope,
    )
    return body


def connection_grant(*, user, application: Application, scopes: list[str]) -> Connection:
    """The user allowed `application` these scopes (on top of what they allowed it before)."""
    now = timezone.now()
    with transaction.atomic():
        connection, created = Connection.objects.select_for_update().get_or_create(
            user=user, application=application, defaults={"scope": " ".join(scopes), "granted_at": now}
        )
        if not created:
            if connection.revoked_at is not None:
                connection.revoked_at, connection.granted_at, connection.scope = None, now, ""
            connection.scope = " ".join(dict.fromkeys(connection.scopes + scopes))
            connection.save(update_fields=["scope", "granted_at", "revoked_at"])
        audit_record(action="connect.access.granted", target=connection, actor=user, scope=" ".join(scopes))
    return connection


def connection_used(*, user, application: Application) -> None:
    now = timezone.now()
    Connection.objects.filter(user=user, application=application, revoked_at__isnull=True).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)


def connection_revoke(*, connection: Connection, actor) -> None:
    """The user takes back the access they gave: every token and pending code of the client goes."""
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection.pk)
        if connection.revoked_at is not None:
            return
        tokens = {"user": connection.user, "application": connection.application}
        refresh = RefreshToken.objects.filter(revoked__isnull=True, **tokens).update(revoked=timezone.now())
        access = AccessToken.objects.filter(**tokens).delete()[0]
        Grant.objects.filter(**tokens).delete()
        connection.revoked_at = timezone.now()
        connection.save(update_fields=["revoked_at"])
        audit_record(
            action="connect.access.revoked",
            target=connection,
            actor=actor,
            access_tokens=access,
            refresh_tokens=refresh,
        )


def client_authentication_failed_record(*, client_id: str, ip: str) -> None:
    """A wrong secret for a registered client (unknown client ids name nothing to record)."""
    application = Application.objects.filter(client_id=client_id).first() if client_id else None
    if application is not None:
        audit_record(action="connect.client.authentication_failed", target=application, ip=ip)


def token_issued_record(*, token: AccessToken, grant_type: str) -> None:
    connection = Connection.objects.filter(user=token.user, application=token.application).first()
    audit_record(
        action="connect.token.issued",
        target=connection or token.application,
        actor=token.user,
        grant_type=grant_type,
        scope=token.scope,
    )


def token_revoked_record(*, application: Application, user, token_type: str) -> None:
    """The client itself gave a token up (RFC 7009)."""
    connection = Connection.objects.filter(user=user, application=application).first()
    audit_record(
        action="connect.token.revoked", target=connection or application, actor=user, token_type=token_type
    )


class InvalidName(ValueError):
    pass


def profile_name_update(*, user, name: str, client: str) -> None:
    """A connected app changes the user's name. InvalidName when it is empty, too long or has control
    characters (PostgreSQL cannot even store a NUL)."""
    name = name.strip()
    if not name or len(name) > 300:
        raise InvalidName("name must be 1 to 300 characters.")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidName("name must not contain control characters.")
    first, _space, last = name.partition(" ")
    user.first_name, user.last_name = first[:150], last.strip()[:150]
    user.save(update_fields=["first_name", "last_name"])
    audit_record(action="account.name.changed", target=user, actor=user, by_client=client)
