"""/v2 issuer side: only the issuers the token's owner is staff of, as their role allows; bad input is a
400 in Badgr's shape, never a server error."""

import base64

import pytest

from besace.api.badgr import MAX_ALIGNMENTS
from besace.backpack.models import BackpackBadge
from besace.core.audit import audit_entries_for
from besace.demo.images import badge_svg
from besace.issuing.models import Assertion, BadgeClass, Issuer

from .test_it_replays_moodle_site_issuer import (
    moodle_assertion,
    moodle_badge_class,
    moodle_issuer,
    post,
    token,
)


@pytest.fixture
def owner_headers(moodle, owner):
    return token(moodle, owner.email)


@pytest.fixture
def outsider_headers(moodle, outsider):
    return token(moodle, outsider.email)


def test_lists_show_only_the_token_owners_issuers(
    moodle, owner_headers, outsider_headers, issuer, badge_class
):
    mine = moodle.get("/v2/issuers", **owner_headers).json()["result"]
    assert [i["entityId"] for i in mine] == [issuer.public_id]
    assert mine[0]["openBadgeId"] == issuer.public_url and mine[0]["email"] == issuer.email
    classes = moodle.get("/v2/badgeclasses", **owner_headers).json()["result"]
    assert [(b["entityId"], b["issuer"]) for b in classes] == [(badge_class.public_id, issuer.public_id)]
    assert classes[0]["tags"] == ["python"] and classes[0]["alignments"][0]["targetFramework"] == "ESCO"
    one = moodle.get(f"/v2/badgeclasses/{badge_class.public_id}?expand=issuer", **owner_headers).json()
    assert one["result"][0]["issuer"]["entityId"] == issuer.public_id
    assert moodle.get("/v2/issuers", **outsider_headers).json()["result"] == []
    assert moodle.get("/v2/badgeclasses", **outsider_headers).json()["result"] == []


def test_another_users_objects_are_not_found(moodle, outsider_headers, issuer, badge_class, award):
    assertion = award("earner@example.org")
    requests = [
        ("get", f"/v2/issuers/{issuer.public_id}", None),
        ("put", f"/v2/issuers/{issuer.public_id}", {"name": "Taken over"}),
        ("get", f"/v2/issuers/{issuer.public_id}/badgeclasses", None),
        ("post", f"/v2/issuers/{issuer.public_id}/badgeclasses", moodle_badge_class()),
        ("get", f"/v2/badgeclasses/{badge_class.public_id}", None),
        ("get", f"/v2/badgeclasses/{badge_class.public_id}/assertions", None),
        ("post", f"/v2/badgeclasses/{badge_class.public_id}/assertions", moodle_assertion()),
        ("get", f"/v2/assertions/{assertion.public_id}", None),
        ("put", f"/v2/assertions/{assertion.public_id}", {"revoked": True}),
        ("delete", f"/v2/assertions/{assertion.public_id}", ""),
        ("get", "/v2/issuers/unknown", None),
        ("post", "/v2/badgeclasses/unknown/assertions", moodle_assertion()),
    ]
    for method, path, body in requests:
        response = getattr(moodle, method)(path, body, content_type="application/json", **outsider_headers)
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["status"] == {"success": False, "description": "Not found."}
    issuer.refresh_from_db()
    assertion.refresh_from_db()
    assert issuer.name == "Université Test" and not assertion.revoked
    assert BadgeClass.objects.count() == 1 and Assertion.objects.count() == 1


def test_each_role_does_what_it_may(moodle, awarder, editor, issuer, badge_class):
    awarder_headers = token(moodle, awarder.email)
    awarded = post(
        moodle, f"/v2/badgeclasses/{badge_class.public_id}/assertions", moodle_assertion(), awarder_headers
    )
    assert awarded.status_code == 201
    entity_id = awarded.json()["result"][0]["entityId"]
    for method, path, body in [
        ("post", f"/v2/issuers/{issuer.public_id}/badgeclasses", moodle_badge_class()),
        ("put", f"/v2/assertions/{entity_id}", {"revoked": True}),
        ("delete", f"/v2/assertions/{entity_id}", ""),
        ("put", f"/v2/issuers/{issuer.public_id}", {"name": "Renamed"}),
    ]:
        response = getattr(moodle, method)(path, body, content_type="application/json", **awarder_headers)
        assert response.status_code == 403, (method, path, response.content)
    assert not Assertion.objects.get(public_id=entity_id).revoked

    editor_headers = token(moodle, editor.email)
    revoked = moodle.delete(
        f"/v2/assertions/{entity_id}",
        {"revocation_reason": "Duplicate"},
        content_type="application/json",
        **editor_headers,
    )
    assert revoked.status_code == 200 and revoked.json()["result"][0]["revocationReason"] == "Duplicate"
    assert Assertion.objects.get(public_id=entity_id).revocation_reason == "Duplicate"
    assert (
        moodle.put(
            f"/v2/issuers/{issuer.public_id}",
            {"name": "Renamed"},
            content_type="application/json",
            **editor_headers,
        ).status_code
        == 403
    )


def test_an_owner_updates_an_issuer_keeping_what_is_not_given(moodle, owner, owner_headers, issuer):
    response = moodle.put(
        f"/v2/issuers/{issuer.public_id}",
        {"name": "Université Renommée", "description": "Nouvelle description"},
        content_type="application/json",
        **owner_headers,
    )
    assert response.status_code == 200, response.content
    issuer.refresh_from_db()
    assert (issuer.name, issuer.description, issuer.url, issuer.email) == (
        "Université Renommée",
        "Nouvelle description",
        "https://univ.example",
        "badges@univ.example",
    )
    assert audit_entries_for(issuer).filter(action="issuer.updated", actor=owner).exists()


def test_a_badge_class_takes_badgr_fields(moodle, owner_headers, issuer):
    body = {
        **moodle_badge_class(),
        "image": "data:image/svg+xml;base64," + base64.b64encode(badge_svg()).decode(),
        "tags": ["quiz", "maths"],
        "expires": {"amount": 2, "duration": "weeks"},
        "alignments": [{"targetName": "Maths", "targetUrl": "http://data.europa.eu/esco/skill/maths"}],
    }
    response = post(moodle, f"/v2/issuers/{issuer.public_id}/badgeclasses", body, owner_headers)
    assert response.status_code == 201, response.content
    out = response.json()["result"][0]
    badge_class = BadgeClass.objects.get(public_id=out["entityId"])
    assert badge_class.image_kind == "svg" and badge_class.expires_after_days == 14
    assert sorted(badge_class.tags) == ["maths", "quiz"]
    assert out["expires"] == {"amount": 14, "duration": "days"}
    assert out["alignments"] == [
        {
            "targetName": "Maths",
            "targetUrl": "http://data.europa.eu/esco/skill/maths",
            "targetDescription": None,
            "targetFramework": None,
            "targetCode": None,
        }
    ]


def test_an_image_url_is_fetched_safely(moodle, owner_headers, issuer, badge_class, fetcher):
    # The fetcher fixture serves only Besace's own URLs: any other host is unreachable.
    by_url = {**moodle_badge_class(), "image": badge_class.image_url}
    assert (
        post(moodle, f"/v2/issuers/{issuer.public_id}/badgeclasses", by_url, owner_headers).status_code == 201
    )
    elsewhere = {**moodle_badge_class(), "image": "http://169.254.169.254/latest/meta-data"}
    response = post(moodle, f"/v2/issuers/{issuer.public_id}/badgeclasses", elsewhere, owner_headers)
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"image": ["The image could not be fetched from its URL."]}


BAD_ISSUERS = {
    "nothing": ({}, {"name", "url", "email"}),
    "bad url and e-mail": ({**moodle_issuer(), "url": "not a url", "email": "nobody"}, {"url", "email"}),
    "bad image": ({**moodle_issuer(), "image": "data:image/png;base64,!!!"}, {"image"}),
}


@pytest.mark.parametrize("body,fields", BAD_ISSUERS.values(), ids=BAD_ISSUERS.keys())
def test_it_refuses_a_bad_issuer(moodle, owner_headers, body, fields):
    response = post(moodle, "/v2/issuers", body, owner_headers)
    assert response.status_code == 400, response.content
    assert set(response.json()["fieldErrors"]) == fields
    assert response.json()["status"]["success"] is False
    assert not Issuer.objects.exists()


def _png_b64(content: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(content).decode()


BAD_BADGE_CLASSES = {
    "no image": ({**moodle_badge_class(), "image": None}, {"image"}),
    "not base64": ({**moodle_badge_class(), "image": "data:image/png;base64,@@@"}, {"image"}),
    "not an image": ({**moodle_badge_class(), "image": _png_b64(b"GIF89a not a png")}, {"image"}),
    "damaged png": (
        {**moodle_badge_class(), "image": _png_b64(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)},
        {"image"},
    ),
    "image neither data nor url": ({**moodle_badge_class(), "image": "file:///etc/passwd"}, {"image"}),
    "image as a number": ({**moodle_badge_class(), "image": {"id": 5}}, {"image"}),
    "no criteria": (
        {**moodle_badge_class(), "criteriaUrl": "", "criteriaNarrative": None},
        {"criteriaNarrative"},
    ),
    "no name": ({**moodle_badge_class(), "name": ""}, {"name"}),
    "bad expiry": ({**moodle_badge_class(), "expires": {"amount": 0, "duration": "aeons"}}, {"expires"}),
    "bad alignment": (
        {**moodle_badge_class(), "alignments": [{"targetName": "", "targetUrl": "nope"}]},
        {"alignments.0.targetName", "alignments.0.targetUrl"},
    ),
    "too many alignments": (
        {
            **moodle_badge_class(),
            "alignments": [{"targetName": "x", "targetUrl": "https://x.example"}] * (MAX_ALIGNMENTS + 1),
        },
        {"alignments"},
    ),
}


@pytest.mark.parametrize("body,fields", BAD_BADGE_CLASSES.values(), ids=BAD_BADGE_CLASSES.keys())
def test_it_refuses_a_bad_badge_class(moodle, owner_headers, issuer, body, fields):
    response = post(moodle, f"/v2/issuers/{issuer.public_id}/badgeclasses", body, owner_headers)
    assert response.status_code == 400, response.content
    assert set(response.json()["fieldErrors"]) == fields, response.json()
    assert not BadgeClass.objects.exists()


def test_it_refuses_an_image_over_the_size_limit(moodle, owner_headers, issuer, settings):
    settings.BESACE_MAX_IMAGE_BYTES = 1000
    body = {**moodle_badge_class(), "image": _png_b64(b"\x89PNG" + b"\x00" * 5000)}
    response = post(moodle, f"/v2/issuers/{issuer.public_id}/badgeclasses", body, owner_headers)
    assert response.status_code == 400 and response.json()["fieldErrors"] == {
        "image": ["The image is too large."]
    }


def _recipient(**fields) -> dict:
    return {**moodle_assertion(), "recipient": fields}


BAD_AWARDS = {
    "no recipient": ({**moodle_assertion(), "recipient": None}, {"recipient"}),
    "hashed identity": (
        _recipient(type="email", hashed=True, identity="sha256$" + "0" * 64, salt="x"),
        {"recipient"},
    ),
    "not an address": (_recipient(type="email", identity="someone@"), {"recipient"}),
    "not an e-mail recipient": (_recipient(type="url", identity="https://someone.example"), {"recipient"}),
    "issued in the future": ({**moodle_assertion(), "issuedOn": "2999-01-01T00:00:00+00:00"}, {"issuedOn"}),
    "issued on no date": ({**moodle_assertion(), "issuedOn": "yesterday"}, {"issuedOn"}),
    "two pieces of evidence": (
        {**moodle_assertion(), "evidence": [{"url": "https://a.example"}, {"url": "https://b.example"}]},
        {"evidence"},
    ),
    "bad evidence url": ({**moodle_assertion(), "evidence": [{"url": "javascript:alert(1)"}]}, {"evidence"}),
}


@pytest.mark.parametrize("body,fields", BAD_AWARDS.values(), ids=BAD_AWARDS.keys())
def test_it_refuses_a_bad_award(moodle, owner_headers, badge_class, body, fields):
    response = post(moodle, f"/v2/badgeclasses/{badge_class.public_id}/assertions", body, owner_headers)
    assert response.status_code == 400, response.content
    assert set(response.json()["fieldErrors"]) == fields, response.json()
    assert not Assertion.objects.exists()


def test_an_awards_recipient_cannot_change(moodle, owner_headers, badge_class, award):
    assertion = award("earner@example.org")
    response = moodle.put(
        f"/v2/assertions/{assertion.public_id}",
        moodle_assertion("someone-else@example.org"),
        content_type="application/json",
        **owner_headers,
    )
    assert response.status_code == 400 and set(response.json()["fieldErrors"]) == {"recipient"}
    assertion.refresh_from_db()
    assert assertion.recipient_email == "earner@example.org" and not assertion.revoked


@pytest.mark.parametrize(
    "body",
    [b"\x00\xff not json", b"[1, 2]", b'{"name": {"nested": true}}', b'"just a string"'],
    ids=["binary", "a list", "wrong types", "a string"],
)
def test_malformed_bodies_are_400_in_badgrs_envelope(moodle, owner_headers, issuer, body):
    for path in ("/v2/issuers", f"/v2/issuers/{issuer.public_id}/badgeclasses"):
        response = moodle.post(path, body, content_type="application/json", **owner_headers)
        assert response.status_code == 400, (path, response.content)
        assert response.json()["status"]["success"] is False


def test_a_huge_payload_is_refused_without_a_server_error(moodle, owner_headers, issuer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {**moodle_badge_class(), "image": "data:image/png;base64," + "A" * 20_000}
    response = post(moodle, f"/v2/issuers/{issuer.public_id}/badgeclasses", body, owner_headers)
    assert response.status_code == 413
    assert response.json()["status"]["success"] is False


def test_a_pushed_badge_waits_when_the_earner_asked_to_approve(moodle, earner, bearer, award, fetcher):
    earner.pushed_badges = earner.PushedBadges.ASK
    earner.save(update_fields=["pushed_badges"])
    assertion = award("earner@example.org")
    response = post(moodle, "/v2/backpack/import", {"url": assertion.public_url}, bearer)
    assert response.status_code == 201, response.content
    assert response.json()["result"][0]["acceptance"] == "Unaccepted"
    entry = BackpackBadge.objects.get(owner=earner)
    assert (entry.state, entry.pushed_by) == ("pending", "an app connected with your password")
    assert moodle.get("/v2/backpack/assertions", **bearer).json()["result"] == []
    assert moodle.get(f"/v2/backpack/assertions/{entry.public_id}", **bearer).status_code == 404


def test_the_issuer_side_needs_a_bearer_token(moodle, issuer, badge_class):
    for method, path in [
        ("get", "/v2/issuers"),
        ("post", "/v2/issuers"),
        ("get", "/v2/badgeclasses"),
        ("post", f"/v2/badgeclasses/{badge_class.public_id}/assertions"),
        ("put", "/v2/assertions/whatever"),
    ]:
        response = getattr(moodle, method)(path, {}, content_type="application/json")
        assert response.status_code == 401, (method, path)
    assert not Assertion.objects.exists() and Issuer.objects.count() == 1
