from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe


def _api_base(namespace: str) -> str:
    """The absolute URL of a django-ninja API (its OpenAPI document sits at its root)."""
    return settings.BESACE_BASE_URL + reverse(f"{namespace}:openapi-json").removesuffix("/openapi.json")


@require_safe
def help_page(request, topic: str):
    # Long-form help is written once per language; English stands in for a language not written yet.
    templates = [f"help/{translation.get_language()}/{topic}.html", f"help/en/{topic}.html"]
    context = {"base_url": settings.BESACE_BASE_URL}
    if topic == "moodle":
        context |= {"badgr_api_url": _api_base("badgr"), "ob21_api_url": _api_base("ob21")}
    return render(request, templates, context)
