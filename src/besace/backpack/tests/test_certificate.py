"""The PDF certificate of a backpack badge: what it says (as selectable text), in which language, to whom,
and that drawing it fetches nothing."""

import datetime
import io
import re
import socket

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from besace.backpack import certificates
from besace.backpack.models import BackpackBadge
from besace.backpack.services import assertion_accept, assertion_decline
from besace.demo.images import badge_svg
from besace.issuing import services
from besace.issuing.claims import claim_token_make
from besace.openbadges.verify.model import (
    AchievementInfo,
    Alignment,
    IssuerInfo,
    NormalisedBadge,
    RecipientInfo,
)
from besace.openbadges.verify.serialise import badge_to_json
from besace.testing.i18n import english_left

ISSUED = datetime.datetime(2025, 3, 12, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def entry(earner, award, badge_class):
    """An award accepted into earner@example.org's backpack, issued 12 March 2025, valid two years."""
    badge_class.expires_after_days = 731
    badge_class.save()
    assertion = award(name="Camille Dupont", issued_on=ISSUED)
    return assertion_accept(assertion=assertion, user=earner)


@pytest.fixture
def imported(earner):
    """An imported OB 3.0 badge, hosted at an https id, with an SVG image; expired."""

    def make(*, badge_id="https://badges.other.example/credentials/42", image=None):
        badge = NormalisedBadge(
            version="3.0",
            id=badge_id,
            issuer=IssuerInfo(id="https://other.example/", name="École Autre", url="https://other.example/"),
            achievement=AchievementInfo(
                id="https://other.example/achievements/1",
                name="Écriture web",
                description="Writes for the web.",
                criteria_narrative="Publish **three** articles.",
                alignments=(
                    Alignment(target_name="Rédaction", target_framework="ESCO", target_code="S1.2"),
                    Alignment(target_name="Accessibilité numérique", target_url="javascript:alert(1)"),
                ),
            ),
            recipient=RecipientInfo(identity="sha256$abc", hashed=True),
            issued_on=datetime.datetime(2020, 1, 15, 12, 0, tzinfo=datetime.UTC),
            expires=datetime.datetime(2021, 1, 15, 12, 0, tzinfo=datetime.UTC),
            verification_type="data-integrity",
            original="{}",
        )
        badge_entry = BackpackBadge(
            owner=earner,
            source=BackpackBadge.Source.IMPORT,
            version="3.0",
            badge_id=badge_id,
            name=badge.achievement.name,
            issuer_name=badge.issuer.name,
            issued_on=badge.issued_on,
            expires=badge.expires,
            normalised=badge_to_json(badge),
            original="{}",
        )
        badge_entry.image.save("other.svg", ContentFile(image or badge_svg(label="É")), save=False)
        badge_entry.save()
        return badge_entry

    return make


def _text(pdf: bytes) -> str:
    """The PDF's text as a reader copying it gets it, whitespace (line breaks) made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _get(client, entry, **headers):
    return client.get(reverse("backpack:certificate", args=[entry.public_id]), **headers)


def test_the_certificate_of_an_award_is_a_pdf_whose_text_tells_the_badge(login, earner, entry):
    response = _get(login(earner), entry)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''Python.pdf"
    assert response.content.startswith(b"%PDF-")
    text = _text(response.content)
    url = entry.assertion.public_url
    for expected in (
        "Camille Dupont",  # the name the issuer gave
        "has earned the badge Python",
        "Issued by Université Test",
        "Writes Python.",
        "Pass the final project.",  # criteria, Markdown rendered
        "Python (ESCO)",  # competences, with their framework
        "ISSUED ON March 12, 2025",
        "EXPIRES ON March 13, 2027",
    ):
        assert expected in text
    # The credential id and the verification address are one here: the public assertion URL (long URLs
    # may wrap, so whitespace is ignored).
    assert "".join(text.split()).count(url) == 2


def test_the_certificate_is_in_the_accounts_language(login, earner, entry):
    earner.language = "fr"
    earner.save()

    response = _get(login(earner), entry, HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Language"] == "fr"
    text = _text(response.content)
    for expected in ("a obtenu le badge Python", "Émis par Université Test", "12 mars 2025", "CRITÈRES"):
        assert expected in text
    assert "has earned" not in text and "Issued by" not in text


def test_without_an_account_language_the_certificate_follows_the_request(login, earner, entry):
    response = _get(login(earner), entry, HTTP_ACCEPT_LANGUAGE="fr")
    assert "COMPÉTENCES" in _text(response.content)


def test_the_html_embeds_the_qr_code_of_the_verification_url(entry):
    html = certificates.badge_certificate_html(entry, language="en")

    qr_code = certificates.qr_code_data_uri(entry.assertion.public_url)
    assert qr_code.startswith("data:image/svg+xml;")
    assert f'<img src="{qr_code}"' in html
    assert certificates.qr_code_data_uri("https://elsewhere.example/") != qr_code
    # The badge image is embedded too, from the badge class's file.
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in html


def test_a_revoked_badge_has_no_certificate(login, earner, entry, owner):
    services.assertion_revoke(assertion=entry.assertion, reason="Cheating.", actor=owner)
    client = login(earner)

    response = _get(client, entry)

    assert response.status_code == 410
    assert "revoked" in response.content.decode()
    page = client.get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    assert reverse("backpack:certificate", args=[entry.public_id]) not in page


def test_only_the_owner_gets_the_certificate(login, outsider, entry, client):
    assert _get(client, entry)["Location"].startswith(reverse("account_login"))
    assert _get(login(outsider), entry).status_code == 404


def test_both_badge_pages_offer_the_certificate(login, earner, entry, imported):
    client = login(earner)
    for badge_entry in (entry, imported()):
        page = client.get(reverse("backpack:badge", args=[badge_entry.public_id])).content.decode()
        assert reverse("backpack:certificate", args=[badge_entry.public_id]) in page
        assert "Download the PDF certificate" in page


def test_an_imported_badge_has_a_certificate_too(login, earner, imported):
    earner.first_name, earner.last_name = "Alex", "Martin"
    earner.save()
    entry = imported()

    response = _get(login(earner), entry)

    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''%C3%89criture%20web.pdf"
    text = _text(response.content)
    for expected in (
        "Alex Martin",  # the account's name: an imported badge names no one
        "Écriture web",
        "Issued by École Autre",
        "ISSUED ON Jan. 15, 2020",
        "EXPIRED ON Jan. 15, 2021",
        "Publish three articles.",
        "Rédaction (ESCO S1.2)",
        "Accessibilité numérique",
        "https://badges.other.example/credentials/42",  # its id, a web address, verifies it
    ):
        assert expected in text
    html = certificates.badge_certificate_html(entry, language="en")
    assert certificates.qr_code_data_uri("https://badges.other.example/credentials/42") in html
    assert '<img src="data:image/svg+xml;base64,' in html  # its stored image
    assert "javascript:" not in html  # links of the PDF are web addresses only


def test_an_imported_badge_without_a_web_id_is_verified_on_besace(imported):
    entry = imported(badge_id="urn:uuid:0b7d1c52-3c7e-4a57-9f43-1c3a2f6f1e11")

    html = certificates.badge_certificate_html(entry, language="en")

    assert certificates.qr_code_data_uri("http://testserver/verify/") in html
    assert "urn:uuid:0b7d1c52-3c7e-4a57-9f43-1c3a2f6f1e11" in html  # still its credential ID


def test_drawing_a_certificate_fetches_nothing(imported, monkeypatch):
    """An imported SVG may point anywhere: the network and local files are refused, data: is read."""
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64"'
        b' height="64"><image href="http://tracker.example/pixel.png" width="8" height="8"/>'
        b'<image xlink:href="file:///etc/hostname" width="8" height="8"/>'
        b'<circle cx="32" cy="32" r="30" fill="#067647"/></svg>'
    )
    entry = imported(image=svg)
    connections, asked = [], []

    def no_network(self, address):
        connections.append(address)
        raise OSError("no network in this test")

    original_fetch = certificates.DataOnlyFetcher.fetch

    def spied_fetch(self, url, headers=None):
        asked.append(url)
        return original_fetch(self, url, headers)

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(certificates.DataOnlyFetcher, "fetch", spied_fetch)

    pdf = certificates.badge_certificate_pdf(entry, language="en")

    assert pdf.startswith(b"%PDF-") and "Écriture web" in _text(pdf)
    assert "http://tracker.example/pixel.png" in asked and "file:///etc/hostname" in asked
    assert connections == []
    with pytest.raises(ValueError):
        certificates.DataOnlyFetcher().fetch("https://tracker.example/pixel.png")
    assert certificates.DataOnlyFetcher().fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_the_recipient_is_the_awarded_name_else_the_account_name_else_the_address(
    earner, award, badge_class, imported
):
    unnamed = assertion_accept(assertion=award(), user=earner)
    assert certificates.recipient_name_of(unnamed) == "earner@example.org"
    earner.first_name, earner.last_name = "Sam", "Lee"
    earner.save()
    assert certificates.recipient_name_of(unnamed) == "Sam Lee"
    named = assertion_accept(assertion=award(name="Samuel Lee", badge_class=badge_class), user=earner)
    assert certificates.recipient_name_of(named) == "Samuel Lee"
    assert certificates.recipient_name_of(imported()) == "Sam Lee"


def test_the_file_name_is_the_badge_name_without_path_characters(entry):
    entry.name = 'Web / "Accessibilité": niveau 2.'
    assert certificates.certificate_filename(entry) == "Web Accessibilité niveau 2.pdf"
    assert certificates.content_disposition("Web Accessibilité.pdf") == (
        "attachment; filename*=UTF-8''Web%20Accessibilit%C3%A9.pdf"
    )
    entry.name = "///"
    assert certificates.certificate_filename(entry) == "certificate.pdf"


def test_weasyprint_leaves_pillow_strict_about_damaged_images(entry):
    """Importing WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process; the
    certificates module puts it back, so badge image uploads are still checked strictly."""
    from PIL import ImageFile

    certificates.badge_certificate_pdf(entry, language="en")

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_certificate_carries_the_badge_and_imports_into_a_backpack(
    client, earner, award, make_user, monkeypatch, settings
):
    """A PDF certificate brought to another backpack is imported as the verifiable badge it carries."""
    from besace.backpack.models import BackpackBadge
    from besace.backpack.services import assertion_accept
    from besace.testing.client_fetcher import ClientFetcher

    assertion = award("earner@example.org")
    entry = assertion_accept(assertion=assertion, user=earner)
    client.force_login(earner)
    pdf = client.get(f"/backpack/badges/{entry.public_id}/certificate.pdf").content
    entry.delete()  # the earner starts again from the PDF alone
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    monkeypatch.setattr("besace.backpack.views.badge_fetcher", lambda: fetcher)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/backpack/import/", {"image": SimpleUploadedFile("certificate.pdf", pdf)})
    assert response.status_code == 302, response.content.decode()[-2000:]
    imported = BackpackBadge.objects.get(owner=earner)
    assert imported.badge_id == assertion.public_url
    assert all(check["passed"] for check in imported.checks)


# The "PDF version" of the award e-mail, before the badge is accepted


def _claim_certificate_url(assertion) -> str:
    return reverse("claim_certificate", args=[claim_token_make(assertion)])


def test_the_award_email_links_to_a_pdf_of_the_badge_not_accepted_yet(
    client, award, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assertion = award("trainee@example.org", name="Camille Martin")
    [message] = mailoutbox
    [url] = re.findall(r"https?://\S+/certificate\.pdf", message.body)
    assert url in message.alternatives[0][0]

    response = client.get(url.removeprefix("http://testserver"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Language"] == "fr"
    assertion.refresh_from_db()
    assert assertion.recipient_state == "pending" and not assertion.backpack_entries.exists()


def test_no_pdf_of_a_declined_or_revoked_award_nor_with_a_forged_link(client, award, owner):
    declined, revoked = award("a@example.org"), award("b@example.org")
    url = _claim_certificate_url(declined)
    assertion_decline(assertion=declined)
    services.assertion_revoke(assertion=revoked, reason="Mistake", actor=owner)
    assert client.get(url).status_code == 410
    assert client.get(_claim_certificate_url(revoked)).status_code == 410
    assert client.get(reverse("claim_certificate", args=["forged-token"])).status_code == 404


def test_the_french_certificate_has_no_english_left(login, earner, entry):
    client = login(earner)
    french, english = (
        _text(_get(client, entry, HTTP_ACCEPT_LANGUAGE=language).content) for language in ("fr", "en")
    )
    assert english_left(french=french, english=english) == []
    assert "CERTIFICAT" in french and "CERTIFICATE" in english


def test_the_badge_page_writes_dates_the_way_each_language_does(login, earner, entry):
    client = login(earner)
    url = reverse("backpack:badge", args=[entry.public_id])
    french, english = (
        client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode() for language in ("fr", "en")
    )
    assert "12 mars 2025" in french and "13 mars 2027" in french
    assert "March 12, 2025" in english and "March 13, 2027" in english
