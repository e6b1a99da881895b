"""Besace's JSON API (django-ninja): one OpenAPI document at /api/openapi.json."""

from ninja import NinjaAPI

from besace.verify.api import router as verify_router

api = NinjaAPI(title="Besace API", version="1.0.0", urls_namespace="api")
api.add_router("/", verify_router)
