"""Export everything (GDPR): one ZIP with every badge, its original, evidence and an account summary."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse

from besace.backpack import services
from besace.backpack.export import EXPORT_FORMAT, account_export_zip
from besace.backpack.tests.portability_helpers import full_backpack
from besace.core.models import AuditEntry
from besace.openbadges.images import read_image_payload, sniff_image_type
from besace.testing.client_fetcher import ClientFetcher


@pytest.fixture
def fetcher(settings):
    return ClientFetcher(settings.BESACE_BASE_URL)


@pytest.fixture
def backpack(earner, award, svg_badge_class, fetcher):
    return full_backpack(earner, award=award, svg_badge_class=svg_badge_class, fetcher=fetcher)


def _open(content: bytes) -> tuple[zipfile.ZipFile, dict]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return archive, json.loads(archive.read("account.json"))


def test_it_exports_every_badge_as_an_image_that_unbakes_to_its_badge(earner, backpack):
    archive, manifest = _open(account_export_zip(earner))
    assert archive.testzip() is None
    by_id = {badge["id"]: badge for badge in manifest["badges"]}
    assert set(by_id) == {entry.public_id for entry in backpack.entries}
    for entry in (backpack.png_award, backpack.svg_award):
        image = archive.read(by_id[entry.public_id]["files"]["image"])
        assert sniff_image_type(image) == entry.assertion.badge_class.image_kind
        assertion = json.loads(read_image_payload(image).text)
        assert assertion["id"] == entry.assertion.public_url == entry.badge_id
    signed = archive.read(by_id[backpack.signed_import.public_id]["files"]["image"])
    assert read_image_payload(signed).text == backpack.signed_import.original
    # No image to carry it: the badge is there as its original document only.
    assert by_id[backpack.imageless_import.public_id]["files"]["image"] is None


def test_it_exports_each_original_document_as_json_or_jws(earner, backpack):
    archive, manifest = _open(account_export_zip(earner))
    by_id = {badge["id"]: badge for badge in manifest["badges"]}
    for entry in backpack.entries:
        name = by_id[entry.public_id]["files"]["original"]
        assert name.startswith("originals/")
        assert archive.read(name).decode() == entry.original
    assert by_id[backpack.signed_import.public_id]["files"]["original"].endswith(".jws")
    assert by_id[backpack.png_award.public_id]["files"]["original"].endswith(".json")


def test_it_exports_the_evidence_files_the_earner_added(earner, backpack):
    archive, manifest = _open(account_export_zip(earner))
    (badge,) = [b for b in manifest["badges"] if b["id"] == backpack.png_award.public_id]
    (evidence,) = badge["evidence"]
    assert (evidence["narrative"], evidence["url"]) == ("My final project", "https://example.org/p")
    assert evidence["file"].startswith("evidence/") and evidence["file"].endswith("-rapport_final.pdf")
    assert archive.read(evidence["file"]) == b"%PDF-1.4 the report"


def test_its_account_json_summarises_profile_consents_collections_and_badges(earner, backpack):
    _archive, manifest = _open(account_export_zip(earner))
    assert manifest["format"] == EXPORT_FORMAT and manifest["format_version"] == 1
    profile = manifest["profile"]
    assert (profile["first_name"], profile["last_name"], profile["language"]) == ("Léa", "Martin", "fr")
    assert profile["emails"] == [
        {"email": "earner@example.org", "verified": True, "primary": True},
        {"email": "earner.alias@example.org", "verified": False, "primary": False},
    ]
    assert [c["version"] for c in manifest["consents"]] == [settings.BESACE_DATA_PROTECTION_VERSION]
    assert manifest["consents"][0]["accepted_at"]
    (collection,) = manifest["collections"]
    assert collection == {
        "id": backpack.collection.public_id,
        "name": "CV",
        "description": "For employers",
        "visibility": "signed_in",
        "created_at": collection["created_at"],
        "badges": [backpack.svg_award.public_id, backpack.png_award.public_id],
    }
    badge = next(b for b in manifest["badges"] if b["id"] == backpack.png_award.public_id)
    assert badge["name"] == "Python" and badge["issuer"] == "Université Test"
    assert (badge["visibility"], badge["tags"], badge["source"]) == ("public", ["python", "code"], "award")
    assert badge["issued_on"] and badge["accepted_at"] and badge["revoked"] is False
    imported = next(b for b in manifest["badges"] if b["id"] == backpack.signed_import.public_id)
    assert imported["checks"] and all(check["passed"] for check in imported["checks"])
    assert imported["verified_at"]


def test_it_says_what_each_file_is_in_french_and_english(earner, backpack):
    archive, _manifest = _open(account_export_zip(earner))
    readme = archive.read("README.txt").decode()
    assert "FRANÇAIS" in readme and "ENGLISH" in readme
    for name in ("account.json", "images/", "originals/", "evidence/"):
        assert readme.count(name) == 2
    assert "earner@example.org" in readme


def test_it_exports_only_the_account_s_own_data(earner, backpack, make_user, award):
    other = make_user("someone@example.org")
    services.assertion_accept(assertion=award("someone@example.org"), user=other)
    _archive, manifest = _open(account_export_zip(other))
    assert len(manifest["badges"]) == 1 and manifest["collections"] == []
    assert [e["email"] for e in manifest["profile"]["emails"]] == ["someone@example.org"]


def test_it_downloads_the_export_and_audits_it(login, earner, backpack):
    response = login(earner).get(reverse("backpack:export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="besace-export-')
    archive, manifest = _open(b"".join(response.streaming_content))
    assert len(manifest["badges"]) == 4 and "README.txt" in archive.namelist()
    entry = AuditEntry.objects.get(action="account.exported")
    assert entry.actor == earner and entry.data == {"badges": 4}


def test_it_is_offered_on_my_badges_and_on_the_account_page(login, earner):
    client = login(earner)
    assert reverse("backpack:export") in client.get(reverse("backpack:home")).content.decode()
    assert reverse("backpack:export") in client.get(reverse("account_email")).content.decode()


def test_it_needs_an_account(client, db):
    response = client.get(reverse("backpack:export"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_an_empty_account_exports_too(earner):
    archive, manifest = _open(account_export_zip(earner))
    assert manifest["badges"] == [] and sorted(archive.namelist()) == ["README.txt", "account.json"]
