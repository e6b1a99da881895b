"""A badge in the backpack: everything its assertion says, and its baked image to download."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from besace.backpack import services
from besace.issuing import services as issuing_services
from besace.openbadges.png import unbake_png
from besace.openbadges.signing import verify_compact_jws
from besace.openbadges.svg import unbake_svg


@pytest.fixture
def accepted(earner, award, badge_class):
    badge_class.expires_after_days = 730
    badge_class.save()
    assertion = award(
        name="Ada Lovelace",
        narrative="Wrote the *first* program.",
        evidence_url="https://portfolio.example/ada",
        evidence_narrative="Notes on the Engine.",
        issued_on=timezone.now() - datetime.timedelta(days=10),
    )
    services.assertion_accept(assertion=assertion, user=earner)
    return assertion


def test_it_shows_everything_the_assertion_says(login, earner, accepted, badge_class, issuer):
    page = login(earner).get(reverse("backpack:badge", args=[accepted.public_id])).content.decode()
    assert badge_class.name in page and badge_class.description in page and issuer.name in page
    assert "Pass the <strong>final</strong> project." in page  # criteria, Markdown rendered
    assert 'href="http://data.europa.eu/esco/skill/python"' in page and "ESCO" in page  # alignment
    assert "python" in page  # tag
    assert "Wrote the *first* program." in page  # narrative
    assert 'href="https://portfolio.example/ada"' in page and "Notes on the Engine." in page  # evidence
    for moment in (accepted.issued_on, accepted.expires):
        assert formats.date_format(timezone.localtime(moment), "DATE_FORMAT") in page
    assert accepted.public_url in page  # credential id
    assert reverse("backpack:download", args=[accepted.public_id]) in page


def test_it_says_never_for_a_badge_without_expiry(login, earner, award):
    assertion = award()
    services.assertion_accept(assertion=assertion, user=earner)
    assert (
        "Never" in login(earner).get(reverse("backpack:badge", args=[assertion.public_id])).content.decode()
    )


def test_it_shows_only_my_badges(login, outsider, accepted, award):
    pending = award()
    client = login(outsider)
    assert client.get(reverse("backpack:badge", args=[accepted.public_id])).status_code == 404
    assert client.get(reverse("backpack:badge", args=[pending.public_id])).status_code == 404


def test_it_downloads_the_baked_png_as_an_attachment(login, earner, accepted, client):
    response = login(earner).get(reverse("backpack:download", args=[accepted.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''Python-")
    hosted = client.get(reverse("public:assertion_json", args=[accepted.public_id])).json()
    assert json.loads(unbake_png(response.content)) == hosted


def test_it_downloads_the_baked_svg_of_an_svg_badge(login, earner, award, svg_badge_class):
    assertion = award(badge_class=svg_badge_class)
    services.assertion_accept(assertion=assertion, user=earner)
    response = login(earner).get(reverse("backpack:download", args=[assertion.public_id]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(unbake_svg(response.content))["id"] == assertion.public_url


def test_it_downloads_only_my_badges(login, outsider, accepted, client, db):
    assert login(outsider).get(reverse("backpack:download", args=[accepted.public_id])).status_code == 404
    client.logout()
    response = client.get(reverse("backpack:download", args=[accepted.public_id]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_it_says_when_a_badge_has_expired(login, earner, award, badge_class, client):
    badge_class.expires_after_days = 30
    badge_class.save()
    assertion = award(issued_on=timezone.now() - datetime.timedelta(days=40))
    services.assertion_accept(assertion=assertion, user=earner)
    client = login(earner)
    assert "Expired on" in client.get(reverse("backpack:badge", args=[assertion.public_id])).content.decode()
    assert "Expired" in client.get(reverse("backpack:home")).content.decode()
    client.logout()
    public_page = client.get(reverse("public:assertion", args=[assertion.public_id]), HTTP_ACCEPT="text/html")
    assert "Expired on" in public_page.content.decode()


def test_it_downloads_the_signed_baked_image_of_an_own_badge(login, earner, accepted, client):
    login(earner)
    response = client.get(f"/backpack/badges/{accepted.public_id}/download/signed/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    key = accepted.badge_class.issuer.signing_keys.get()
    payload = verify_compact_jws(unbake_png(response.content), key.public_key_pem)
    assert payload["id"] == accepted.signed_id
    assert payload["verification"] == {"type": "signed", "creator": key.public_url}


def test_it_refuses_the_signed_image_of_a_revoked_badge(login, earner, accepted, client):
    issuing_services.assertion_revoke(assertion=accepted, reason="Mistake", actor=None)
    login(earner)
    response = client.get(f"/backpack/badges/{accepted.public_id}/download/signed/")
    assert response.status_code == 410


def test_it_downloads_only_my_signed_badges(login, outsider, accepted, client):
    login(outsider)
    response = client.get(f"/backpack/badges/{accepted.public_id}/download/signed/")
    assert response.status_code == 404


def test_it_says_in_how_many_days_a_badge_expires(login, earner, award, badge_class, client):
    badge_class.expires_after_days = 30
    badge_class.save()
    assertion = award(issued_on=timezone.now() - datetime.timedelta(days=10))
    services.assertion_accept(assertion=assertion, user=earner)
    login(earner)
    page = client.get(f"/backpack/badges/{assertion.public_id}/").content.decode()
    assert "Expires in 19 days" in page


def test_it_says_in_french_how_many_days_are_left(login, earner, award, badge_class, client):
    badge_class.expires_after_days = 3
    badge_class.save()
    assertion = award(issued_on=timezone.now() - datetime.timedelta(hours=1))
    services.assertion_accept(assertion=assertion, user=earner)
    login(earner)
    page = client.get(f"/backpack/badges/{assertion.public_id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Expire dans 2\u00a0jours" in page
