"""POST /o/token: Badgr's token endpoint as Moodle (OBv2.0 backpack) calls it.

Moodle sends only ``username`` and ``password`` (no grant_type, client_id or scope): a missing
grant_type means the password grant, as Badgr does with its default public client.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from besace.accounts.throttling import lockout_seconds
from besace.api.tokens import (
    SecondFactorRequired,
    Throttled,
    password_token_issue,
    refresh_token_use,
    token_response,
)


def _error(status: int, error: str, description: str) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


@csrf_exempt
@never_cache
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    grant_type = request.POST.get("grant_type") or "password"
    if grant_type == "password":
        username, password = request.POST.get("username", ""), request.POST.get("password", "")
        if not username or not password:
            return _error(400, "invalid_request", "username and password are required.")
        try:
            issued = password_token_issue(request=request, username=username, password=password)
        except Throttled as throttled:
            response = _error(429, "slow_down", str(throttled))
            response["Retry-After"] = str(lockout_seconds())
            return response
        except SecondFactorRequired:
            # This grant has no room for a code: such accounts connect through Badge Connect (decision 007).
            return _error(
                400,
                "invalid_grant",
                "This account signs in with two-factor authentication, which this connection cannot ask "
                "for. Connect with Badge Connect (Open Badges 2.1) instead.",
            )
        if issued is None:
            return _error(400, "invalid_grant", "Invalid credentials given.")
    elif grant_type == "refresh_token":
        issued = refresh_token_use(refresh_token=request.POST.get("refresh_token", ""))
        if issued is None:
            return _error(400, "invalid_grant", "Invalid or expired refresh token.")
    else:
        return _error(400, "unsupported_grant_type", "Use the password or refresh_token grant.")
    response = JsonResponse(token_response(issued))
    response["Pragma"] = "no-cache"
    return response
