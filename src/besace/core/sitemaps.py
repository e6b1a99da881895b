"""What search engines are told about: /sitemap.xml (an index of one sitemap per kind of public page, each
paginated by Django past 50,000 addresses) and /robots.txt, which points to it.

Only what an anonymous visitor may see is listed, always from the access policy's querysets
(besace.access): nothing private, for signed-in users only, behind a password, revoked or waiting for its
owner's approval, whatever the gallery's index or any other copy says.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from besace import access
from besace.backpack.models import BackpackBadge
from besace.gallery.models import GalleryBadgeClass
from besace.help.topics import TOPICS, url_name

ANONYMOUS = None  # the access policy's "not signed in"


class PublicSitemap(Sitemap):
    """Addresses on Besace's public address (BESACE_BASE_URL), as its badges and share links are."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.BESACE_BASE_URL).scheme

    def get_domain(self, site=None):
        base = urlsplit(settings.BESACE_BASE_URL)
        return base.netloc + base.path.rstrip("/")


class _DatedSitemap(PublicSitemap):
    """Items with an `updated_at`: the index's date is one aggregate query, not a read of every item."""

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class StaticSitemap(PublicSitemap):
    """The entry points anyone may browse."""

    def items(self) -> list[str]:
        return [
            "home",
            "gallery:badges",
            "gallery:pages",
            "gallery:profiles",
            "gallery:map",
            "verify",
            "help:index",
            *(f"help:{url_name(topic)}" for topic in TOPICS),
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class BadgeClassSitemap(_DatedSitemap):
    """The gallery's badge class pages, of classes that at least one badge anyone may see belongs to."""

    def items(self) -> QuerySet[GalleryBadgeClass]:
        public = access.badges_visible_to(
            ANONYMOUS, BackpackBadge.objects.filter(gallery_entry__badge_class=OuterRef("pk"))
        )
        return GalleryBadgeClass.objects.filter(Exists(public)).only("key", "updated_at").order_by("key")

    def location(self, item: GalleryBadgeClass) -> str:
        return reverse("gallery:badge_class", kwargs={"key": item.key})


class BadgeSitemap(PublicSitemap):
    """The share pages of the badges anyone may see."""

    def items(self) -> QuerySet:
        return access.badges_visible_to(ANONYMOUS).order_by("pk").values_list("public_id", flat=True)

    def location(self, item: str) -> str:
        return reverse("share:badge", args=[item])


class CollectionSitemap(PublicSitemap):
    """The share pages of public collections (each shows only the badges anyone may see)."""

    def items(self) -> QuerySet:
        return access.collections_visible_to(ANONYMOUS).order_by("pk").values_list("public_id", flat=True)

    def location(self, item: str) -> str:
        return reverse("share:collection", args=[item])


class ProfileSitemap(_DatedSitemap):
    def items(self) -> QuerySet:
        return access.profiles_visible_to(ANONYMOUS).only("slug", "updated_at").order_by("pk")

    def location(self, item) -> str:
        return reverse("profiles:detail", kwargs={"slug": item.slug})


class PageSitemap(_DatedSitemap):
    """Public portfolio pages (pages behind a password are never listed)."""

    def items(self) -> QuerySet:
        return access.pages_visible_to(ANONYMOUS).only("public_id", "updated_at").order_by("pk")

    def location(self, item) -> str:
        return reverse("pages:page", args=[item.public_id])


SITEMAPS = {
    "static": StaticSitemap,
    "badge-classes": BadgeClassSitemap,
    "badges": BadgeSitemap,
    "collections": CollectionSitemap,
    "profiles": ProfileSitemap,
    "pages": PageSitemap,
}

# Areas only signed-in users (or the holder of a claim link) use: nothing there for search engines.
ROBOTS_DISALLOW = ("/accounts/", "/backpack/", "/issuers/", "/claim/", "/admin/")


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        f"Sitemap: {settings.BESACE_BASE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
