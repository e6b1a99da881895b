from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def home(request):
    if request.user.is_authenticated:
        return redirect("backpack:home")
    return render(request, "core/home.html")


@never_cache
def healthz(request):
    """For load balancers: 200 when this process reaches its database and its cache, else 503."""
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", 1, timeout=10)
        if cache.get("healthz") != 1:
            checks["cache"] = "unavailable"
    except Exception:  # each cache backend raises its own errors (redis.ConnectionError, ...)
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    status = "ok" if healthy else "unavailable"
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)


def bad_request(request, exception):
    """Django's 400 page (handler400), saying why when the reason is the size of what was sent."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = _("What you sent is too large: at most %(size)s MB at once.") % {"size": limit}
        status = 413
    else:
        message = _("The request could not be understood. Go back and try again.")
        status = 400
    return render(request, "core/bad_request.html", {"message": message}, status=status)
