"""The gallery: public content only. Signed-in visitors see the same public gallery as anyone (what
only signed-in users may see stays on the pages that check the viewer: profiles, badges, collections)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_countries import countries

from besace.backpack.sharing import earner_shown
from besace.core.text import markdown_to_safe_html
from besace.gallery import selectors, worldmap
from besace.gallery.forms import BadgeSearchForm, PageSearchForm, ProfileSearchForm

BADGES_PER_PAGE = 24
RECIPIENTS_PER_PAGE = 100
PROFILES_PER_PAGE = 30


def _page(request, items, per_page: int):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def badges(request):
    form = BadgeSearchForm(request.GET)
    page = _page(request, selectors.badge_classes(form.search()), BADGES_PER_PAGE)
    return render(
        request,
        "gallery/badges.html",
        {"tab": "badges", "form": form, "page": page, "query": _query_without_page(request)},
    )


@require_safe
def badge_class(request, key: str):
    badge_class = selectors.badge_class_get(key)
    if badge_class is None:
        raise Http404
    snapshot = badge_class.representative.normalised if badge_class.representative else {}
    achievement = snapshot.get("achievement") or {}
    page = _page(request, selectors.recipients(badge_class), RECIPIENTS_PER_PAGE)
    shown = [(entry, earner_shown(entry.badge, request.user)) for entry in page]
    return render(
        request,
        "gallery/badge_class.html",
        {
            "badge_class": badge_class,
            "achievement": achievement,
            "issuer": snapshot.get("issuer") or {},
            "description_html": markdown_to_safe_html(achievement.get("description") or ""),
            "criteria_html": markdown_to_safe_html(achievement.get("criteria_narrative") or ""),
            "page": page,
            "shown": shown,
            "unnamed_count": selectors.unnamed_recipient_count(badge_class),
            "query": _query_without_page(request),
        },
    )


@require_safe
def profiles(request):
    form = ProfileSearchForm(request.GET)
    form.is_valid()
    criteria = {name: form.cleaned_data.get(name) or "" for name in form.fields}
    page = _page(request, selectors.public_profiles(**criteria), PROFILES_PER_PAGE)
    return render(
        request,
        "gallery/profiles.html",
        {"tab": "profiles", "form": form, "page": page, "query": _query_without_page(request)},
    )


@require_safe
def pages(request):
    form = PageSearchForm(request.GET)
    form.is_valid()
    found = selectors.public_pages(form.cleaned_data.get("q") or "")
    page = _page(request, found, BADGES_PER_PAGE) if found is not None else None
    return render(
        request,
        "gallery/pages.html",
        {"tab": "pages", "form": form, "page": page, "query": _query_without_page(request)},
    )


@require_safe
def world_map(request):
    counts = selectors.map_counts()
    country = request.GET.get("country", "").upper()
    context = {
        "tab": "map",
        "svg": worldmap.svg(counts),
        "rows": sorted(
            ({"code": code, "name": countries.name(code), **n} for code, n in counts.items()),
            key=lambda row: row["name"],
        ),
    }
    if country in counts:
        context.update(
            country={"code": country, "name": countries.name(country), **counts[country]},
            people=selectors.map_country_people(country),
            badge_classes=selectors.map_country_badge_classes(country)[:50],
        )
    return render(request, "gallery/map.html", context)
