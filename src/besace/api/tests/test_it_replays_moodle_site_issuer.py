"""Moodle's "site backpack" account issuing the site's badges through /v2, request by request.

What Moodle sends is read from its code (badges/classes/backpackapi_2p0.php put_assertions, the
request exporters in badges/classes/external/): the issuer and badge class as its exporters shape them
(the badge image a base64 PNG data: URI), the award with the address in ``identity`` while saying
``hashed: true``. It reads ``result[0]``'s entityId, later PUTs the award again "to make sure it's up
to date", and builds ``/public/assertions/{entityId}`` on the API's host to import into the earner's
backpack.
"""

import base64
import datetime
from urllib.parse import urlsplit

from besace.backpack.models import BackpackBadge
from besace.core.audit import audit_entries_for
from besace.demo.images import badge_png
from besace.issuing.models import Assertion, BadgeClass, Issuer, IssuerStaff
from besace.openbadges.verify.verifier import BadgeInput, verify_badge
from besace.testing.client_fetcher import ClientFetcher

from .conftest import PASSWORD

MOODLE = "https://moodle.univ.example"
OB2 = "https://w3id.org/openbadges/v2"


def moodle_issuer() -> dict:
    return {
        "type": "Issuer",
        "id": f"{MOODLE}/badges/json/issuer.php",
        "name": "Moodle de l'Université",
        "email": "badges@univ.example",
        "url": f"{MOODLE}/",
        "@context": OB2,
    }


def moodle_badge_class(image: bytes | None = None) -> dict:
    encoded = base64.b64encode(image or badge_png(size=64)).decode()
    return {
        "type": "BadgeClass",
        "id": f"{MOODLE}/badges/json/badge.php?id=3",
        "name": "Quiz master",
        "image": f"data:image/png;base64,{encoded}",
        "description": "Passed every quiz of the course.",
        "criteriaUrl": f"{MOODLE}/badges/badgeclass.php?id=3",
        "criteriaNarrative": "Pass **all** the quizzes.",
        "@context": OB2,
    }


def moodle_assertion(email: str = "earner@example.org") -> dict:
    url = f"{MOODLE}/badges/json/assertion.php?b=4f2a&obversion=2"
    return {
        "type": "Assertion",
        "id": url,
        "issuedOn": "2025-03-01T10:00:00+00:00",
        "@context": OB2,
        "recipient": {"type": "email", "hashed": True, "identity": email},
        "verification": {"type": "hosted", "url": url},
    }


def token(moodle, email: str) -> dict:
    response = moodle.post("/o/token", {"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access_token']}"}


def post(moodle, path: str, body: dict, headers: dict):
    return moodle.post(path, body, content_type="application/json", **headers)


def test_it_replays_moodles_site_issuer_sequence(moodle, make_user, earner, fetcher, settings):
    site = make_user("moodle-site@univ.example")
    headers = token(moodle, "moodle-site@univ.example")

    # 1. put_issuer: the token's owner becomes the new issuer's owner.
    response = post(moodle, "/v2/issuers", moodle_issuer(), headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"]["success"] is True
    out = body["result"][0]
    issuer = Issuer.objects.get(public_id=out["entityId"])
    assert out["entityType"] == "Issuer" and out["openBadgeId"] == issuer.public_url
    assert (issuer.name, issuer.url, issuer.email) == (
        "Moodle de l'Université",
        f"{MOODLE}/",
        "badges@univ.example",
    )
    assert IssuerStaff.objects.get(issuer=issuer).user == site
    assert IssuerStaff.objects.get(issuer=issuer).role == IssuerStaff.Role.OWNER
    assert audit_entries_for(issuer).filter(action="issuer.created", actor=site).exists()

    # 2. put_badgeclass, image as a base64 PNG data: URI.
    response = post(moodle, f"/v2/issuers/{issuer.public_id}/badgeclasses", moodle_badge_class(), headers)
    assert response.status_code == 201, response.content
    out = response.json()["result"][0]
    badge_class = BadgeClass.objects.get(public_id=out["entityId"])
    assert badge_class.issuer == issuer and badge_class.image_kind == "png"
    assert (out["entityType"], out["openBadgeId"], out["issuer"]) == (
        "BadgeClass",
        badge_class.public_url,
        issuer.public_id,
    )
    assert (out["criteriaUrl"], out["criteriaNarrative"]) == (
        f"{MOODLE}/badges/badgeclass.php?id=3",
        "Pass **all** the quizzes.",
    )
    assert moodle.get(out["image"].removeprefix(settings.BESACE_BASE_URL))["Content-Type"] == "image/png"

    # 3. put_badgeclass_assertion: the award, to the address given in "identity" (said to be hashed).
    response = post(
        moodle, f"/v2/badgeclasses/{badge_class.public_id}/assertions", moodle_assertion(), headers
    )
    assert response.status_code == 201, response.content
    out = response.json()["result"][0]
    assertion = Assertion.objects.get(public_id=out["entityId"])
    assert assertion.recipient_email == "earner@example.org" and assertion.awarded_by == site
    assert assertion.issued_on == datetime.datetime(2025, 3, 1, 10, tzinfo=datetime.UTC)
    assert out["openBadgeId"] == assertion.public_url and out["badgeclass"] == badge_class.public_id
    assert out["recipient"]["plaintextIdentity"] == "earner@example.org"
    assert out["recipient"]["identity"] == assertion.identity_hash and out["recipient"]["hashed"] is True
    assert out["revoked"] is False and out["issuedOn"].startswith("2025-03-01T10:00:00")

    # 4. Moodle's badges_generate_badgr_open_url: scheme and host of the API, /public/assertions/{id}.
    api = urlsplit(settings.BESACE_BASE_URL)
    open_url = f"{api.scheme}://{api.netloc}/public/assertions/{out['entityId']}"
    assert open_url == assertion.public_url
    verified = verify_badge(
        BadgeInput(url=open_url),
        fetcher=ClientFetcher(settings.BESACE_BASE_URL),
        recipient_emails=["earner@example.org"],
    )
    assert verified.valid, [(c.name, c.message) for c in verified.checks if not c.passed]

    # 5. The earner's own Moodle connection imports that URL into their backpack.
    earner_headers = token(moodle, "earner@example.org")
    response = post(moodle, "/v2/backpack/import", {"url": open_url}, earner_headers)
    assert response.status_code == 201, response.content
    entry = BackpackBadge.objects.get(owner=earner)
    assert (entry.badge_id, entry.state) == (assertion.public_url, "accepted")
    assert entry.pushed_by == "an app connected with your password"

    # 6. update_assertion: the same award again, answered with badge class and issuer embedded.
    path = f"/v2/assertions/{assertion.public_id}?expand=badgeclass&expand=issuer"
    response = moodle.put(path, moodle_assertion(), content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    out = response.json()["result"][0]
    assert out["entityId"] == assertion.public_id and out["revoked"] is False
    assert out["badgeclass"]["entityId"] == badge_class.public_id
    assert out["badgeclass"]["issuer"]["entityId"] == issuer.public_id
    assert Assertion.objects.filter(badge_class=badge_class).count() == 1

    # 7. Revoking it: its public URL answers 410 Gone.
    revoke = {**moodle_assertion(), "revoked": True, "revocationReason": "Awarded by mistake"}
    response = moodle.put(path, revoke, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    out = response.json()["result"][0]
    assert (out["revoked"], out["revocationReason"]) == (True, "Awarded by mistake")
    assertion.refresh_from_db()
    assert assertion.revoked and assertion.revocation_reason == "Awarded by mistake"
    assert audit_entries_for(assertion).filter(action="assertion.revoked", actor=site).exists()
    assert moodle.get(urlsplit(open_url).path).status_code == 410
