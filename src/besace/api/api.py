"""Besace's JSON API (django-ninja): one OpenAPI document at /api/openapi.json."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI

from besace.verify.api import router as verify_router

api = NinjaAPI(title="Besace API", version="1.0.0", urls_namespace="api")
api.add_router("/", verify_router)


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    # Django would answer its HTML "Bad Request" page: an API client needs the reason, in JSON.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request, {"error": f"the request body is larger than {limit} bytes"}, status=413
    )
