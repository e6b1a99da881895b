"""Sign-in throttling on allauth's rate limits (settings.ACCOUNT_RATE_LIMITS; docs/decisions/007).

Failures count twice: per account (whichever of its addresses is typed) and per client address. The login
page, Badgr's /o/token and the two-factor step share the per-account count, so an attacker gains nothing
by switching between them.
"""

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import ngettext

from besace.accounts.services import user_for_verified_email
from besace.openbadges.hashing import normalise_email


def login_throttle_key(login: str) -> str:
    user = user_for_verified_email(login) if login else None
    return f"account:{user.pk}" if user else f"login:{normalise_email(login or '')}"


def client_ip(request) -> str:
    """allauth's reading of the address (TRUSTED_PROXY_COUNT), the one its rate limits count by."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # a request made in code (signing out a deleted account) has none
        return ""


def lockout_message() -> str:
    minutes = settings.BESACE_LOGIN_LOCKOUT_MINUTES
    # Attempts refused during a lockout are not counted, so after this long sign-in is open again.
    return ngettext(
        "Too many failed sign-in attempts. Wait %(minutes)d minute, then try again.",
        "Too many failed sign-in attempts. Wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}


def lockout_seconds() -> int:
    return settings.BESACE_LOGIN_LOCKOUT_MINUTES * 60


def oauth_client_locked(request, *, client_id: str) -> bool:
    """Too many failed authentications of this OAuth client, or from this address (nothing counted)."""
    return not ratelimit.consume(request, action="oauth_client_failed", key=client_id, dry_run=True)


def oauth_client_failure_count(request, *, client_id: str) -> None:
    ratelimit.consume(request, action="oauth_client_failed", key=client_id)
