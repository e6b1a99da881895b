"""The help pages: every topic written in English and French, its links alive, the Moodle page in step with
the URLs Besace serves."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from besace.core.tests.test_sitemap import sitemap_locations
from besace.help.topics import TOPICS, url_name

PAGES = ["help:index", *(f"help:{url_name(topic)}" for topic in TOPICS)]
LANGUAGES = ["en", "fr"]
HREF = re.compile(r'href="([^"]*)"')


def _get(client: Client, url: str, language: str, by: str):
    if by == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get(url)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("by", ["header", "cookie"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_it_answers_every_page_in_its_own_language(db, page, language, by):
    response = _get(Client(), reverse(page), language, by)
    assert response.status_code == 200
    topic = response.resolver_match.kwargs["topic"]
    assert response.templates[0].name == f"help/{language}/{topic}.html"  # written, not the fallback
    assert f'<div class="narrow help" lang="{language}">' in response.content.decode()


def test_it_falls_back_to_english_for_a_language_not_written(db, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "German")]
    response = Client().get(reverse("help:moodle"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert response.templates[0].name == "help/en/moodle.html"


def test_the_index_links_to_every_topic(db):
    for language in LANGUAGES:
        page = Client().get(reverse("help:index"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for name in PAGES[1:]:
            assert f'href="{reverse(name)}"' in page, (language, name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_moodle_page_names_the_urls_besace_serves(db, settings, language):
    settings.BESACE_BASE_URL = "https://besace.example"
    page = Client().get(reverse("help:moodle"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    base = settings.BESACE_BASE_URL
    manifest = Client().get(reverse("connect:manifest")).json()["badgeConnectAPI"][0]
    for url in (
        f"<code>{base}</code>",
        base + reverse("api_token"),  # Moodle's OBv2.0 password flow
        base + reverse("badgr:openapi-json").removesuffix("/openapi.json"),  # its backpack API URL
        manifest["id"].removesuffix("#api"),  # the Badge Connect manifest Moodle reads
        manifest["apiBase"],  # OBv2.1 backpack API URL
        manifest["registrationUrl"],
        manifest["authorizationUrl"],
        manifest["tokenUrl"],
        manifest["tokenRevocationUrl"],
    ):
        assert url in page, url
    assert f"<code>{base}/v2</code>" in page and f"<code>{base}/ims/ob/v2p1</code>" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_link_of_the_help_pages_leads_somewhere(login, earner, language):
    client = login(earner)
    broken = []
    for page in PAGES:
        html = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        content = html[html.index("<main") : html.index("</main>")]  # the help, not the site's chrome
        for href in set(HREF.findall(content)):
            parts = urlsplit(href)
            if parts.netloc or href.startswith("mailto:"):
                continue  # outside Besace (ESCO, share sites)
            target = parts.path or reverse(page)
            response = client.get(target, HTTP_ACCEPT_LANGUAGE=language)
            if response.status_code not in (200, 302):
                broken.append((page, href, response.status_code))
            elif parts.fragment and f'id="{parts.fragment}"' not in response.content.decode():
                broken.append((page, href, "no such anchor"))
    assert broken == []


def test_the_navigation_and_the_pages_people_need_help_on_link_to_it(login, owner, badge_class):
    client = login(owner)
    assert f'href="{reverse("help:index")}"' in client.get(reverse("gallery:badges")).content.decode()
    for page, help_url in (
        (reverse("connect:apps"), reverse("help:moodle")),
        (reverse("account_email"), reverse("help:moodle")),
        (reverse("backpack:import"), reverse("help:import")),
        (reverse("issuing:badgeclass", args=[badge_class.public_id]), reverse("help:awarding") + "#csv"),
    ):
        assert f'href="{help_url}"' in client.get(page).content.decode(), page


def test_the_sitemap_lists_every_help_page(db):
    paths = {urlsplit(location).path for location in sitemap_locations(Client())}
    assert {reverse(page) for page in PAGES} <= paths
