"""Privacy, checked the way a visitor would find a leak: seed a site where every kind of item exists at
every visibility, crawl everything reachable (as an anonymous visitor, then as another signed-in user) by
following links, embeds and images from the public entry points, and check that no page, document or
link anywhere names an item that visitor may not see.

An item is named by its unguessable public id (the one its URLs carry), so a leak is caught whether it
shows up as a card, a link, a JSON field or an embed.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from besace.backpack import imports
from besace.backpack.models import Visibility
from besace.backpack.organise import badge_visibility_set, collection_badge_add, collection_create
from besace.backpack.services import assertion_accept
from besace.issuing.services import assertion_revoke
from besace.openbadges.verify.verifier import BadgeInput
from besace.pages.models import Page
from besace.pages.services import page_create
from besace.profiles.services import profile_for
from besace.testing.client_fetcher import ClientFetcher

START = ["/", "/gallery/", "/verify/", "/sitemap.xml", "/robots.txt"]
NEVER_FOLLOW = ("/accounts/logout", "/admin/", "/i18n/", "/static/", "/media/")
MAX_PAGES = 600


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in ("href", "src", "action", "data-href", "data-url"):
                self.found.append(value)


def _links(base: str, body: str) -> list[str]:
    parser = _Links()
    parser.feed(body)
    return [urljoin(base, link) for link in parser.found]


def crawl(client: Client, start: list[str]) -> dict[str, str]:
    """Every same-site page reachable from `start` by GET (path -> text of the answer)."""
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver", "127.0.0.1:8000"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or path.startswith(NEVER_FOLLOW):
            continue
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace") if response.status_code < 400 else ""
        if response.status_code in (301, 302):
            queue.append(urljoin(path, response["Location"]))
        seen[path] = text
        if "html" in response.get("Content-Type", ""):
            queue.extend(_links(f"http://testserver{path}", text))
    return seen


@pytest.fixture
def site(make_user, award, issuer, owner, settings):
    """Alice holds one badge and one collection at each visibility, plus a revoked and a pending badge."""
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    alice = make_user("alice@example.org")
    ids: dict[str, str] = {}

    def held(visibility: str):
        entry = assertion_accept(assertion=award("alice@example.org"), user=alice)
        badge_visibility_set(entry=entry, visibility=visibility, actor=alice)
        return entry

    for visibility in Visibility.values:
        entry = held(visibility)
        ids[f"badge-{visibility}"] = entry.public_id
        collection = collection_create(owner=alice, name=f"Collection {visibility}", visibility=visibility)
        collection_badge_add(collection=collection, entry=entry, actor=alice)
        ids[f"collection-{visibility}"] = collection.public_id
    # A public collection holding a private badge shows it to nobody else.
    public_collection = collection_create(owner=alice, name="Mixed", visibility=Visibility.PUBLIC)
    private_badge = held(Visibility.PRIVATE)
    ids["badge-private-in-public-collection"] = private_badge.public_id
    collection_badge_add(collection=public_collection, entry=private_badge, actor=alice)
    revoked = held(Visibility.PUBLIC)
    assertion_revoke(assertion=revoked.assertion, reason="Cheating", actor=owner)
    ids["badge-revoked"] = revoked.public_id

    alice.pushed_badges = alice.PushedBadges.ASK
    alice.save(update_fields=["pushed_badges"])
    pushed = imports.badge_import(
        user=alice,
        source=BadgeInput(url=award("alice@example.org").public_url),
        fetcher=fetcher,
        pushed_by="App",
    )
    ids["badge-pending"] = pushed.public_id

    for visibility in Page.Visibility.values:
        page = page_create(
            owner=alice,
            title=f"Portfolio {visibility}",
            theme=Page.Theme.CLAIR,
            visibility=visibility,
            password="open sesame" if visibility == Page.Visibility.PASSWORD else "",
        )
        ids[f"page-{visibility}"] = page.public_id
    for visibility in Visibility.values:  # one person per profile visibility, each with public badges
        person = make_user(f"{visibility}@example.org")
        profile = profile_for(person)
        profile.slug, profile.visibility, profile.show_on_map = f"someone-{visibility}", visibility, True
        profile.country, profile.city = "FR", "Grenoble"
        profile.save()
        ids[f"profile-{visibility}"] = profile.slug
        held_by = assertion_accept(assertion=award(person.email), user=person)
        badge_visibility_set(entry=held_by, visibility=Visibility.PUBLIC, actor=person)
    return ids


def _leaks(pages: dict[str, str], forbidden: dict[str, str]) -> list[str]:
    return [
        f"{what} ({public_id}) at {path}"
        for path, text in pages.items()
        for what, public_id in forbidden.items()
        if public_id in text or public_id in path
    ]


def test_an_anonymous_visitor_finds_only_public_items(site):
    pages = crawl(
        Client(), START + [f"/badges/{site['badge-public']}/", f"/collections/{site['collection-public']}/"]
    )
    assert f"/badges/{site['badge-public']}/" in pages and pages[f"/badges/{site['badge-public']}/"]
    forbidden = {what: public_id for what, public_id in site.items() if not what.endswith("-public")}
    assert _leaks(pages, forbidden) == []


def test_another_signed_in_user_finds_only_public_and_signed_in_items(site, make_user):
    client = Client()
    client.force_login(make_user("carol@example.org"))
    pages = crawl(
        client,
        START + [f"/badges/{site['badge-signed_in']}/", f"/collections/{site['collection-signed_in']}/"],
    )
    assert pages[f"/badges/{site['badge-signed_in']}/"]
    forbidden = {
        what: public_id for what, public_id in site.items() if not what.endswith(("-public", "-signed_in"))
    }
    assert _leaks(pages, forbidden) == []
