"""Importing a badge from anywhere: verified against the earner's addresses, stored only when valid."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from besace.backpack.models import BackpackBadge
from besace.core.models import AuditEntry
from besace.issuing.services import assertion_revoke
from besace.issuing.signing import signed_assertion_jws
from besace.openbadges.png import unbake_png
from besace.testing.client_fetcher import ClientFetcher


@pytest.fixture
def fetcher(monkeypatch, settings):
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    monkeypatch.setattr("besace.backpack.views.badge_fetcher", lambda: fetcher)
    return fetcher


@pytest.fixture
def earner_client(client, earner):
    client.force_login(earner)
    return client


def _baked(client, assertion) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "badge.png", client.get(f"/public/assertions/{assertion.public_id}/baked.png").content
    )


def test_it_imports_a_baked_image_awarded_to_the_earner(earner_client, earner, award, fetcher):
    assertion = award("earner@example.org")
    response = earner_client.post("/backpack/import/", {"image": _baked(earner_client, assertion)})
    entry = BackpackBadge.objects.get(owner=earner)
    assert response.status_code == 302 and response.url == f"/backpack/badges/{entry.public_id}/"
    assert entry.source == BackpackBadge.Source.IMPORT
    assert (entry.version, entry.badge_id, entry.name) == (
        "2.0",
        assertion.public_url,
        assertion.badge_class.name,
    )
    assert entry.image and entry.verified_at
    assert all(check["passed"] for check in entry.checks)
    assert AuditEntry.objects.filter(action="backpack.badge.imported", target_id=str(entry.pk)).exists()
    home = earner_client.get("/backpack/").content.decode()
    assert assertion.badge_class.name in home and f"/backpack/badges/{entry.public_id}/image" in home
    assert earner_client.get(f"/backpack/badges/{entry.public_id}/image")["Content-Type"] == "image/png"


def test_it_imports_by_url_and_by_pasted_jws(earner_client, earner, award, badge_class, fetcher):
    by_url = award("earner@example.org")
    signed = award("EARNER@example.org")
    earner_client.post("/backpack/import/", {"url": by_url.public_url})
    earner_client.post("/backpack/import/", {"text": signed_assertion_jws(signed)})
    assert set(BackpackBadge.objects.filter(owner=earner).values_list("badge_id", flat=True)) == {
        by_url.public_url,
        signed.signed_id,
    }


def test_it_says_when_the_badge_is_already_there(earner_client, earner, award, fetcher):
    assertion = award("earner@example.org")
    earner_client.post("/backpack/import/", {"url": assertion.public_url})
    response = earner_client.post("/backpack/import/", {"url": assertion.public_url}, follow=True)
    assert "already in your backpack" in response.content.decode()
    assert BackpackBadge.objects.filter(owner=earner).count() == 1


def test_it_refuses_a_badge_awarded_to_someone_else(earner_client, earner, award, fetcher):
    assertion = award("somebody@example.org")
    response = earner_client.post("/backpack/import/", {"url": assertion.public_url})
    assert response.status_code == 422
    page = response.content.decode()
    assert "did not pass verification" in page and "Awarded to you" in page
    assert not BackpackBadge.objects.filter(owner=earner).exists()


def test_it_refuses_a_revoked_badge(earner_client, earner, award, owner, fetcher):
    assertion = award("earner@example.org")
    assertion_revoke(assertion=assertion, reason="Mistake", actor=owner)
    response = earner_client.post("/backpack/import/", {"url": assertion.public_url})
    assert response.status_code == 422
    assert "Not revoked" in response.content.decode()
    assert not BackpackBadge.objects.filter(owner=earner).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"text": "this is not a badge"},
        {"text": '{"hello": "world"}'},
        {"image": SimpleUploadedFile("notes.png", b"plain text, not an image")},
    ],
    ids=["prose", "json-not-a-badge", "not-an-image"],
)
def test_it_explains_unusable_input_and_stores_nothing(earner_client, earner, data, fetcher):
    response = earner_client.post("/backpack/import/", data)
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not BackpackBadge.objects.filter(owner=earner).exists()


def test_it_needs_an_account(client):
    response = client.get("/backpack/import/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_it_shows_an_imported_badge_with_its_verification(earner_client, earner, award, badge_class, fetcher):
    assertion = award("earner@example.org", narrative="Built a quiz.")
    earner_client.post("/backpack/import/", {"url": assertion.public_url})
    entry = BackpackBadge.objects.get(owner=earner)
    page = earner_client.get(f"/backpack/badges/{entry.public_id}/").content.decode()
    assert badge_class.name in page and badge_class.issuer.name in page
    assert "Built a quiz." in page
    assert "Last checked on" in page and "Not revoked" in page
    assert badge_class.alignments.get().target_name in page


def test_it_downloads_an_imported_badge_as_received(earner_client, earner, award, fetcher):
    assertion = award("earner@example.org")
    baked = earner_client.get(f"/public/assertions/{assertion.public_id}/baked.png").content
    earner_client.post("/backpack/import/", {"image": SimpleUploadedFile("badge.png", baked)})
    jws = signed_assertion_jws(award("earner@example.org"))
    earner_client.post("/backpack/import/", {"text": jws})
    by_image, by_text = BackpackBadge.objects.filter(owner=earner).order_by("id")
    image = earner_client.get(f"/backpack/badges/{by_image.public_id}/download/")
    assert image["Content-Disposition"].startswith("attachment") and image.content == baked
    text = earner_client.get(f"/backpack/badges/{by_text.public_id}/download/")
    assert text["Content-Type"] == "image/png"
    assert unbake_png(text.content) == jws  # the badge image, baked with the signed assertion


def test_it_keeps_imported_badges_private_to_their_owner(client, earner, award, fetcher, outsider):
    client.force_login(earner)
    client.post("/backpack/import/", {"url": award("earner@example.org").public_url})
    entry = BackpackBadge.objects.get(owner=earner)
    client.force_login(outsider)
    for path in ("", "image", "download/"):
        assert client.get(f"/backpack/badges/{entry.public_id}/{path}").status_code == 404
