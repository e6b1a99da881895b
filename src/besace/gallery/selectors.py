"""Reads of the gallery: public content only, from the index (besace.gallery.models)."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, QuerySet

from besace import access
from besace.backpack.models import Visibility
from besace.gallery.indexing import ANONYMOUS
from besace.gallery.models import GalleryBadgeClass, GalleryEntry
from besace.gallery.search_text import fold, words
from besace.profiles.models import Profile

BADGE_SORTS = {
    "updated": ("-updated_at", "key"),
    "name": ("name_folded", "key"),
    "issuer": ("issuer_folded", "name_folded", "key"),
    "recipients": ("-recipient_count", "key"),
}


@dataclass(frozen=True)
class BadgeSearch:
    keywords: str = ""
    name: str = ""
    recipient: str = ""
    issuer: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    tag: str = ""
    sort: str = "updated"


def text_vector(field: str) -> SearchVector:
    """The expression the PostgreSQL GIN indexes are built on (migration 0002): queries must use it."""
    return SearchVector(field, config="simple")


def _matching(queryset: QuerySet, field: str, text: str) -> QuerySet:
    """Rows whose folded `field` holds every word of `text`, each as a word prefix on PostgreSQL (full text,
    GIN index), anywhere in the text on SQLite (LIKE)."""
    terms = words(text)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        # Only letters and digits reach the raw query (words()), so no tsquery syntax can be injected.
        query = SearchQuery(" & ".join(f"{term}:*" for term in terms), config="simple", search_type="raw")
        alias = f"{field}_vector"
        return queryset.alias(**{alias: text_vector(field)}).filter(**{alias: query})
    for term in terms:
        queryset = queryset.filter(**{f"{field}__contains": term})
    return queryset


def badge_classes(search: BadgeSearch) -> QuerySet[GalleryBadgeClass]:
    """The badge classes (one card each) that match every criterion given, in the order asked."""
    classes = GalleryBadgeClass.objects.all()
    classes = _matching(classes, "document", search.keywords)
    classes = _matching(classes, "name_folded", search.name)
    classes = _matching(classes, "issuer_folded", search.issuer)
    if search.tag.strip():
        classes = classes.filter(tag_rows__tag=fold(search.tag.strip()))
    if words(search.recipient) or search.country:
        entries = _matching(GalleryEntry.objects.all(), "recipient_folded", search.recipient)
        if search.country:
            entries = entries.filter(country=search.country)
        classes = classes.filter(key__in=entries.values("badge_class_id"))
    return classes.defer("document").order_by(*BADGE_SORTS.get(search.sort, BADGE_SORTS["updated"]))


def badge_class_get(key: str) -> GalleryBadgeClass | None:
    return GalleryBadgeClass.objects.select_related("representative").filter(key=key).first()


def recipients(badge_class: GalleryBadgeClass) -> QuerySet[GalleryEntry]:
    """The earners of a badge class who show their name on it, earliest first."""
    return (
        GalleryEntry.objects.filter(badge_class=badge_class)
        .exclude(recipient_name="")
        .select_related("badge__owner__profile", "badge__assertion")
        .order_by("issued_on", "badge_id")
    )


def unnamed_recipient_count(badge_class: GalleryBadgeClass) -> int:
    return GalleryEntry.objects.filter(badge_class=badge_class, recipient_name="").count()


# Profiles


def public_profiles(*, name: str = "", city: str = "", country: str = "") -> QuerySet[Profile]:
    """Public profiles, by name, and by city and country where their owner shows them."""
    profiles = access.profiles_visible_to(ANONYMOUS).select_related("user")
    profiles = _matching(profiles, "name_folded", name)
    if city.strip():
        profiles = profiles.filter(show_location=True, city__icontains=city.strip())
    if country:
        profiles = profiles.filter(show_location=True, country=country)
    return profiles.order_by("display_name", "user__last_name", "user__first_name", "pk")


# Map


def _on_map_profiles() -> QuerySet[Profile]:
    return Profile.objects.filter(visibility=Visibility.PUBLIC, show_on_map=True).exclude(country="")


def map_counts() -> dict[str, dict[str, int]]:
    """Per country code: the people placed there and the public badges they hold."""
    counts: dict[str, dict[str, int]] = {}
    for row in _on_map_profiles().values("country").annotate(total=Count("pk")).order_by():
        counts.setdefault(row["country"], {"people": 0, "badges": 0})["people"] = row["total"]
    # count(*), which the partial index on the country answers alone (count(pk) would read the table).
    badges = GalleryEntry.objects.filter(on_map=True).values("country").annotate(total=Count("*")).order_by()
    for row in badges:
        counts.setdefault(row["country"], {"people": 0, "badges": 0})["badges"] = row["total"]
    return counts


def map_country_people(country: str) -> QuerySet[Profile]:
    return _on_map_profiles().filter(country=country).select_related("user").order_by("city", "pk")


def map_country_badge_classes(country: str) -> QuerySet[GalleryBadgeClass]:
    """The badge classes held by the people placed in this country, the most held first."""
    return (
        GalleryBadgeClass.objects.filter(entries__on_map=True, entries__country=country)
        .annotate(held_here=Count("entries"))
        .defer("document")
        .order_by("-held_here", "name_folded", "key")
    )


# Pages (the pages app may be absent: then the tab says so)


def public_pages(query: str):
    """Public portfolio pages matching `query`, or None when there is no pages app."""
    try:
        from besace.pages.selectors import public_pages as pages_matching
    except ImportError:
        return None
    return pages_matching(query)
