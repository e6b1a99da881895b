"""Bearer tokens for the Badgr-compatible API: password grant (Moodle), refresh, lookup, throttling."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from besace.accounts.services import user_for_verified_email
from besace.api.models import ApiToken
from besace.core.audit import audit_record

ACCESS_LIFETIME = timedelta(days=1)  # as Badgr: expires_in 86400
REFRESH_LIFETIME = timedelta(days=30)
SCOPE = "rw:profile rw:backpack"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    access_token: str
    refresh_token: str


class Throttled(Exception):
    """Too many failed sign-ins for this account or from this address (str(): what to tell the client)."""


class SecondFactorRequired(Exception):
    """The password was right, but the account signs in with a second factor this grant cannot carry."""


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def password_token_issue(*, request, username: str, password: str) -> IssuedToken | None:
    """A new token pair when `username` (any verified address) and `password` match; None otherwise.

    Sign-in goes through allauth, as on the login page: failures count against the same per-account and
    per-address limits (Throttled past them) and are audited on the account.
    """
    adapter = get_account_adapter(request)
    try:
        user = adapter.authenticate(request, email=username, password=password)
    except ValidationError as refused:
        raise Throttled(" ".join(refused.messages)) from None
    if user is None or not user.is_active or user_for_verified_email(username) != user:
        return None
    if is_mfa_enabled(user):
        raise SecondFactorRequired
    with transaction.atomic():
        issued = _issue(user)
        audit_record(action="api.token.issued", target=issued.token, actor=user, grant="password")
    return issued


def refresh_token_use(*, refresh_token: str) -> IssuedToken | None:
    """Rotates the pair: the old token is revoked, a new one issued. None when unknown, used or too old."""
    with transaction.atomic():
        old = (
            ApiToken.objects.select_for_update()
            .select_related("user")
            .filter(
                refresh_hash=token_hash(refresh_token),
                revoked_at__isnull=True,
                created_at__gt=timezone.now() - REFRESH_LIFETIME,
            )
            .first()
        )
        if old is None or not old.user.is_active:
            return None
        old.revoked_at = timezone.now()
        old.save(update_fields=["revoked_at"])
        issued = _issue(old.user)
        audit_record(action="api.token.refreshed", target=issued.token, actor=old.user, previous=old.pk)
    return issued


def user_for_access_token(access_token: str):
    token = (
        ApiToken.objects.select_related("user")
        .filter(access_hash=token_hash(access_token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def _issue(user) -> IssuedToken:
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        access_hash=token_hash(access),
        refresh_hash=token_hash(refresh),
        expires_at=timezone.now() + ACCESS_LIFETIME,
    )
    return IssuedToken(token=token, access_token=access, refresh_token=refresh)


def token_response(issued: IssuedToken) -> dict:
    return {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_LIFETIME.total_seconds()),
        "refresh_token": issued.refresh_token,
        "scope": SCOPE,
    }


def tokens_revoke_all(*, user, reason: str) -> int:
    """Revokes every live token of `user` (after a password change, for instance); audited when any."""
    with transaction.atomic():
        live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
        ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=timezone.now())
        for token in live:
            audit_record(action="api.token.revoked", target=token, actor=user, reason=reason)
    return len(live)
