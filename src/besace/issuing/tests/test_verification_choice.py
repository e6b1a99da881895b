"""Issue 4: the issuer chooses, per badge class, whether the earner receives the hosted or the signed badge.

Both forms of every assertion always exist; the choice governs "the" badge the earner gets: the claim
page's download (the award e-mail's link), the backpack's default download, and the hosted document's
``image``. See docs/decisions/004-hosted-or-signed-per-badge-class.md.
"""

import json
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from besace.backpack import services as backpack_services
from besace.backpack.models import BackpackBadge
from besace.demo.images import badge_svg
from besace.issuing import services
from besace.issuing.models import Assertion, BadgeClass
from besace.issuing.signing import issuer_signing_key
from besace.openbadges.png import unbake_png
from besace.openbadges.signing import verify_compact_jws
from besace.openbadges.svg import unbake_svg

SIGNED = BadgeClass.Verification.SIGNED
HOSTED = BadgeClass.Verification.HOSTED


@pytest.fixture
def earner(make_user):
    """The account of earner@example.org, the address the `award` fixture awards to."""
    return make_user("earner@example.org")


@pytest.fixture
def signed_badge_class(badge_class):
    badge_class.verification = SIGNED
    badge_class.save()
    return badge_class


def _award_data(email="earner@example.org"):
    return {
        "email": email,
        "name": "",
        "narrative": "",
        "evidence_url": "",
        "evidence_narrative": "",
        "issued_on": "",
    }


def _jws_payload(image: bytes, assertion: Assertion) -> dict:
    """The payload of the JWS baked into a PNG, checked with the issuer's key."""
    token = unbake_png(image)
    assert token is not None and not token.lstrip().startswith("{"), token
    return verify_compact_jws(token, issuer_signing_key(assertion.badge_class.issuer).public_key_pem)


# --- the form ----------------------------------------------------------------------------------------


def _create(client, issuer, data):
    return client.post(reverse("issuing:badgeclass_create", args=[issuer.public_id]), data)


def test_the_form_offers_both_with_hosted_preselected(login, owner, issuer):
    page = login(owner).get(reverse("issuing:badgeclass_create", args=[issuer.public_id])).content.decode()
    assert 'name="verification" value="hosted"' in page and 'name="verification" value="signed"' in page
    assert re.search(r'value="hosted"[^>]*checked', page)
    assert "Hosted (verified at its URL on Besace)" in page
    assert "Signed (verifiable offline with the issuer&#x27;s key)" in page
    assert "What the earner downloads as the badge." in page  # help text


@pytest.mark.parametrize("choice", ["signed", "hosted"])
def test_the_form_saves_the_choice(login, owner, issuer, badge_class_data, choice):
    response = _create(login(owner), issuer, badge_class_data(verification=choice))
    assert response.status_code == 302
    badge_class = BadgeClass.objects.get(name="Data analysis")
    assert badge_class.verification == choice
    page = login(owner).get(reverse("issuing:badgeclass", args=[badge_class.public_id])).content.decode()
    assert badge_class.get_verification_display().replace("'", "&#x27;") in page


def test_the_form_defaults_to_hosted_when_the_choice_is_left_out(login, owner, issuer, badge_class_data):
    assert _create(login(owner), issuer, badge_class_data()).status_code == 302
    assert BadgeClass.objects.get(name="Data analysis").verification == HOSTED


def test_the_form_refuses_an_unknown_choice(login, owner, issuer, badge_class_data):
    response = _create(login(owner), issuer, badge_class_data(verification="both"))
    assert response.status_code == 200
    assert response.context["form"].errors["verification"]
    assert not BadgeClass.objects.filter(name="Data analysis").exists()


# --- what the earner receives ------------------------------------------------------------------------


def test_the_award_email_of_a_signed_badge_leads_to_the_signed_image(
    login, owner, signed_badge_class, client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        login(owner).post(reverse("issuing:award", args=[signed_badge_class.public_id]), _award_data())
    (message,) = mailoutbox
    assertion = Assertion.objects.get()
    # The e-mail's link is the claim page; its download (without an account) is the signed image.
    (claim_link,) = set(re.findall(r"http://testserver(/claim/[^/\s\"]+/)", message.body))
    client.logout()
    page = client.get(claim_link).content.decode()
    (download_url,) = re.findall(r'<a href="([^"]+)" download>', page.split("claim-actions")[1])
    assert download_url == assertion.signed_png_url == assertion.baked_url
    assert download_url.endswith("/signed.png")

    response = client.get(download_url.removeprefix("http://testserver"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    payload = _jws_payload(response.content, assertion)
    assert payload["id"] == assertion.signed_id
    assert payload["verification"]["type"] == "signed"


def test_the_hosted_document_of_a_signed_badge_names_the_signed_image(client, award, signed_badge_class):
    assertion = award()
    response = client.get(reverse("public:assertion_json", args=[assertion.public_id]))
    assert response.status_code == 200  # the hosted form stays available
    document = response.json()
    assert document["id"] == assertion.public_url
    assert document["verification"] == {"type": "hosted"}
    assert document["image"] == assertion.signed_png_url
    # The hosted baked image stays available too, and carries that document.
    baked = client.get(reverse("public:assertion_baked_png", args=[assertion.public_id]))
    assert json.loads(unbake_png(baked.content)) == document


def test_a_signed_svg_badge_delivers_the_signed_svg(client, issuer, owner, award):
    badge_class = services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name="Teamwork",
        description="Works in a team.",
        image=ContentFile(badge_svg(), name="team.svg"),
        criteria_url="https://univ.example/criteria/teamwork",
        verification=SIGNED,
    )
    assertion = award(badge_class=badge_class)
    assert assertion.baked_url == assertion.signed_svg_url
    assert assertion.baked_url.endswith("/signed.svg")
    token = unbake_svg(client.get(assertion.baked_url.removeprefix("http://testserver")).content)
    payload = verify_compact_jws(token, issuer_signing_key(issuer).public_key_pem)
    assert payload["id"] == assertion.signed_id


def test_the_backpack_downloads_the_signed_image_first(login, earner, award, signed_badge_class, client):
    assertion = award()
    backpack_services.assertion_accept(assertion=assertion, user=earner)
    earner_client = login(earner)

    page = earner_client.get(reverse("backpack:badge", args=[assertion.public_id])).content.decode()
    default_url = reverse("backpack:download", args=[assertion.public_id])
    hosted_url = reverse("backpack:download_hosted", args=[assertion.public_id])
    assert page.index(f'href="{default_url}">Download the signed badge image') < page.index(
        f'href="{hosted_url}">Download the hosted badge image'
    )

    response = earner_client.get(default_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith("-signed.png")
    payload = _jws_payload(response.content, assertion)
    assert payload["id"] == assertion.signed_id

    signed = earner_client.get(reverse("backpack:download_signed", args=[assertion.public_id]))
    assert _jws_payload(signed.content, assertion)["id"] == assertion.signed_id

    hosted = earner_client.get(hosted_url)
    hosted_document = client.get(reverse("public:assertion_json", args=[assertion.public_id])).json()
    assert json.loads(unbake_png(hosted.content)) == hosted_document


def test_the_backpack_keeps_the_hosted_identity_of_a_signed_award(earner, award, signed_badge_class):
    assertion = award()
    backpack_services.assertion_accept(assertion=assertion, user=earner)
    entry = BackpackBadge.objects.get(owner=earner, assertion=assertion)
    original = json.loads(entry.original)
    assert original["id"] == assertion.public_url
    assert original["verification"] == {"type": "hosted"}


def test_a_revoked_signed_award_falls_back_to_the_hosted_image(
    login, owner, earner, award, signed_badge_class
):
    assertion = award()
    backpack_services.assertion_accept(assertion=assertion, user=earner)
    services.assertion_revoke(assertion=assertion, reason="Mistake", actor=owner)
    assertion.refresh_from_db()
    assert assertion.baked_url == assertion.baked_png_url  # no signed image of a revoked badge
    earner_client = login(earner)
    page = earner_client.get(reverse("backpack:badge", args=[assertion.public_id])).content.decode()
    assert "Download the badge image (with its data)" in page
    assert reverse("backpack:download_signed", args=[assertion.public_id]) not in page
    response = earner_client.get(reverse("backpack:download", args=[assertion.public_id]))
    assert response.status_code == 200
    assert json.loads(unbake_png(response.content))["revoked"] is True


def test_a_hosted_badge_class_keeps_the_hosted_image(login, earner, award, badge_class):
    assert badge_class.verification == HOSTED
    assertion = award()
    assert assertion.baked_url == assertion.baked_png_url and assertion.baked_url.endswith("/baked.png")
    backpack_services.assertion_accept(assertion=assertion, user=earner)
    earner_client = login(earner)
    page = earner_client.get(reverse("backpack:badge", args=[assertion.public_id])).content.decode()
    assert page.index("Download the badge image (with its data)") < page.index(
        "Download the signed badge image"
    )
    response = earner_client.get(reverse("backpack:download", args=[assertion.public_id]))
    assert json.loads(unbake_png(response.content))["id"] == assertion.public_url
