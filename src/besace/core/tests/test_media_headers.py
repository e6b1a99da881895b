"""Files users upload or import are served with headers that keep them inert: the type they really are,
never sniffed, an SVG sandboxed so even a script the checks missed cannot run, other files as downloads."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from besace.core.tests.test_url_access import worlds  # noqa: F401 - a fixture
from besace.demo.images import badge_svg

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@pytest.fixture
def owner_client(worlds):  # noqa: F811
    victim, _attacker = worlds
    client = Client()
    client.force_login(victim.user)
    return client, victim


def test_images_have_their_type_and_are_never_sniffed(owner_client):
    client, world = owner_client
    urls = {
        reverse("public:badgeclass_image", args=[world.badge_class.public_id]): "image/png",
        reverse("backpack:image", args=[world.entry.public_id]): "image/png",
        reverse("share:badge_image", args=[world.entry.public_id]): "image/png",
    }
    for url, content_type in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == content_type, url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_an_svg_is_sandboxed_wherever_it_is_served(owner_client):
    client, world = owner_client
    world.badge_class.image.save("badge.svg", ContentFile(badge_svg()))
    world.issuer.image.save("issuer.svg", ContentFile(badge_svg()))
    world.entry.image.save("badge.svg", ContentFile(badge_svg()))
    for url in (
        reverse("public:badgeclass_image", args=[world.badge_class.public_id]),
        reverse("public:issuer_image", args=[world.issuer.public_id]),
        reverse("backpack:image", args=[world.entry.public_id]),
        reverse("share:badge_image", args=[world.entry.public_id]),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "image/svg+xml", url
        assert response["Content-Security-Policy"] == SVG_POLICY, url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_other_files_are_downloads_that_run_nothing(owner_client):
    client, world = owner_client
    for url in (
        reverse("share:evidence_file", args=[world.entry.public_id, world.evidence.pk]),
        reverse("pages:file", args=[world.page.public_id, world.file_block.pk]),
    ):
        response = client.get(url)
        assert response["Content-Disposition"].startswith("attachment;"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert "sandbox" in response["Content-Security-Policy"], url
