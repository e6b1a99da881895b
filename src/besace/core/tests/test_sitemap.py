"""/sitemap.xml and /robots.txt: search engines are told of public items only, each on Besace's public
address, in a bounded number of queries."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client

from besace.backpack.models import BackpackBadge, Visibility
from besace.backpack.organise import badge_visibility_set
from besace.backpack.services import assertion_accept
from besace.core.tests.test_privacy_crawl import site  # noqa: F401  (every item at every visibility)
from besace.gallery.keys import achievement_id, badge_class_key
from besace.gallery.models import GalleryEntry
from besace.pages.models import Page
from besace.pages.services import page_create
from besace.profiles.services import profile_for

LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def _locations(client: Client, url: str) -> list[str]:
    response = client.get(urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else ""))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return [loc.text for loc in ElementTree.fromstring(response.content).iter(LOC)]


def sitemap_locations(client: Client) -> list[str]:
    """Every address the sitemaps list, through the index as a search engine reads them."""
    return [
        location for section in _locations(client, "/sitemap.xml") for location in _locations(client, section)
    ]


def test_it_lists_every_public_item_and_nothing_else(site):  # noqa: F811
    client = Client()
    listed = sitemap_locations(client)
    paths = {urlsplit(location).path for location in listed}
    key = badge_class_key(achievement_id(BackpackBadge.objects.get(public_id=site["badge-public"])))

    assert {
        "/",
        "/gallery/",
        f"/gallery/badges/{key}/",
        f"/badges/{site['badge-public']}/",
        f"/collections/{site['collection-public']}/",
        f"/pages/{site['page-public']}/",
        f"/people/{site['profile-public']}/",
    } <= paths
    forbidden = {what: public_id for what, public_id in site.items() if not what.endswith("-public")}
    assert [what for what, public_id in forbidden.items() if any(public_id in path for path in paths)] == []
    assert len(listed) == len(paths)  # each address once
    for path in paths:  # and each answers an anonymous visitor
        assert client.get(path).status_code == 200, path


def test_a_badge_class_is_listed_only_while_the_access_policy_shows_one_of_its_badges(
    make_user, award, owner
):
    earner = make_user("earner@example.org")
    entry = assertion_accept(assertion=award(), user=earner)
    badge_visibility_set(entry=entry, visibility=Visibility.PUBLIC, actor=earner)
    class_path = f"/gallery/badges/{GalleryEntry.objects.get(badge=entry).badge_class_id}/"
    assert class_path in {urlsplit(location).path for location in sitemap_locations(Client())}

    # Even were the gallery's index late (no signal on a bulk update), the policy decides.
    BackpackBadge.objects.filter(pk=entry.pk).update(visibility=Visibility.SIGNED_IN)
    assert GalleryEntry.objects.filter(badge=entry).exists()
    paths = {urlsplit(location).path for location in sitemap_locations(Client())}
    assert class_path not in paths
    assert f"/badges/{entry.public_id}/" not in paths


def test_addresses_are_on_the_public_base_url(settings, make_user):
    settings.BESACE_BASE_URL = "https://badges.example.org"
    profile = profile_for(make_user("someone@example.org"))
    profile.visibility = Visibility.PUBLIC
    profile.save()
    listed = sitemap_locations(Client())
    assert f"https://badges.example.org/people/{profile.slug}/" in listed
    assert all(location.startswith("https://badges.example.org/") for location in listed)


def test_robots_txt_points_to_the_sitemap_and_away_from_signed_in_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert {"Disallow: /backpack/", "Disallow: /accounts/", "Disallow: /claim/"} <= set(lines)
    assert client.post("/robots.txt").status_code == 405


@pytest.fixture
def many_public_items(make_user, award):
    """Public badges, collections' owners' profiles and pages, several of each."""

    def make(count: int) -> None:
        for number in range(count):
            person = make_user(f"person{number}@example.org")
            entry = assertion_accept(assertion=award(person.email), user=person)
            badge_visibility_set(entry=entry, visibility=Visibility.PUBLIC, actor=person)
            profile = profile_for(person)
            profile.visibility = Visibility.PUBLIC
            profile.save()
            page_create(
                owner=person, title="Portfolio", theme=Page.Theme.CLAIR, visibility=Page.Visibility.PUBLIC
            )

    return make


@pytest.mark.parametrize("count", [1, 12])
def test_the_query_count_does_not_grow_with_the_items(
    many_public_items, django_assert_max_num_queries, count
):
    many_public_items(count)
    client = Client()
    with django_assert_max_num_queries(8):  # two per section at most: a count and the latest date
        sections = _locations(client, "/sitemap.xml")
    assert len(sections) == 6
    for section in sections:
        with django_assert_max_num_queries(2):  # a count and the page of items
            _locations(client, section)
    paths = {urlsplit(location).path for location in sitemap_locations(client)}
    assert len([path for path in paths if path.startswith("/people/")]) == count
