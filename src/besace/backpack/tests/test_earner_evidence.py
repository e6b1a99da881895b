"""The earner's own evidence on a badge: links, files and descriptions, apart from the issuer's evidence."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from besace.backpack.models import EarnerEvidence
from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.core.audit import audit_entries_for


def _add(client, entry, **data):
    return client.post(reverse("backpack:evidence_add", args=[entry.public_id]), data)


def test_it_adds_a_link_and_a_description_shown_apart_from_the_issuers_evidence(login, earner, kept):
    entry = kept(evidence_url="https://issuer.example/seen", evidence_narrative="Seen by the jury.")
    client = login(earner)
    response = _add(client, entry, url="https://portfolio.example/my-work", narrative="My final project.")
    assert response.status_code == 302 and response["Location"].endswith("#my-evidence")
    evidence = entry.earner_evidence.get()
    assert (evidence.url, evidence.narrative) == ("https://portfolio.example/my-work", "My final project.")
    page = client.get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    mine = page[page.index("My evidence") :]
    assert "https://portfolio.example/my-work" in mine and "My final project." in mine
    assert "Seen by the jury." not in mine and "Seen by the jury." in page[: page.index("My evidence")]
    (audit,) = audit_entries_for(entry).filter(action="backpack.evidence.added")
    assert audit.actor == earner and audit.data["url"] == "https://portfolio.example/my-work"


def test_it_refuses_empty_evidence_and_links_that_are_not_web_links(login, earner, kept):
    entry = kept()
    client = login(earner)
    _add(client, entry, url="", narrative="   ")
    _add(client, entry, url="javascript:alert(1)")
    assert not entry.earner_evidence.exists() and not audit_entries_for(entry).exists()
    assert (
        "Give a link, a file or a description."
        in client.get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    )


def test_it_refuses_a_file_larger_than_the_limit(login, earner, kept, settings):
    settings.BESACE_MAX_IMPORT_BYTES = 1000
    entry = kept()
    client = login(earner)
    _add(client, entry, file=SimpleUploadedFile("big.pdf", b"x" * 1001))
    assert not entry.earner_evidence.exists()
    _add(client, entry, file=SimpleUploadedFile("small.pdf", b"x" * 1000))
    assert entry.earner_evidence.count() == 1


@pytest.fixture
def with_file(login, earner, kept):
    """A public badge with an HTML file as the earner's evidence (any type is accepted)."""
    entry = kept("public")
    _add(login(earner), entry, file=SimpleUploadedFile("report.html", b"<script>alert(1)</script>"))
    return entry, entry.earner_evidence.get()


def test_it_serves_an_evidence_file_as_a_download_never_rendered(client, with_file):
    entry, evidence = with_file
    client.logout()
    url = reverse("share:evidence_file", args=[entry.public_id, evidence.pk])
    assert url in client.get(f"/badges/{entry.public_id}/").content.decode()  # listed on the share page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="report.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_it_keeps_files_in_unguessable_folders_and_shows_their_names(login, earner, with_file):
    entry, evidence = with_file
    folder, name = evidence.file.name.split("/")[1:]
    assert len(folder) == 22 and name == "report.html"
    page = login(earner).get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    assert ">report.html</a>" in page


@pytest.mark.parametrize("visibility", ["private", "signed_in"])
def test_it_serves_evidence_files_only_to_those_who_may_see_the_badge(
    client, login, earner, outsider, with_file, visibility
):
    entry, evidence = with_file
    entry.visibility = visibility
    entry.save()
    url = reverse("share:evidence_file", args=[entry.public_id, evidence.pk])
    client.logout()
    assert client.get(url).status_code == 404
    assert login(outsider).get(url).status_code == (200 if visibility == "signed_in" else 404)
    assert login(earner).get(url).status_code == 200


def test_it_serves_a_file_only_through_its_own_badge(client, kept, with_file):
    entry, evidence = with_file
    other = kept("public")
    assert client.get(reverse("share:evidence_file", args=[other.public_id, evidence.pk])).status_code == 404


def test_it_deletes_evidence_and_its_file_and_audits_it(
    login, earner, with_file, django_capture_on_commit_callbacks
):
    entry, evidence = with_file
    storage, name = evidence.file.storage, evidence.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(earner).post(
            reverse("backpack:evidence_delete", args=[entry.public_id, evidence.pk])
        )
    assert response.status_code == 302
    assert not EarnerEvidence.objects.filter(pk=evidence.pk).exists() and not storage.exists(name)
    (audit,) = audit_entries_for(entry).filter(action="backpack.evidence.deleted")
    assert audit.data == {"evidence": evidence.pk, "file": name}


def test_it_lets_only_the_owner_add_or_delete_evidence(login, outsider, with_file):
    entry, evidence = with_file
    client = login(outsider)
    assert _add(client, entry, narrative="Not mine").status_code == 404
    delete = reverse("backpack:evidence_delete", args=[entry.public_id, evidence.pk])
    assert client.post(delete).status_code == 404
    assert list(entry.earner_evidence.all()) == [evidence]


def test_it_lists_evidence_on_an_imported_badge_too(login, earner, imported):
    entry = imported("public")
    client = login(earner)
    _add(client, entry, narrative="Presented at the meetup.")
    assert (
        "Presented at the meetup."
        in client.get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    )
    client.logout()
    page = client.get(f"/badges/{entry.public_id}/").content.decode()
    assert "Evidence added by the earner" in page and "Presented at the meetup." in page
