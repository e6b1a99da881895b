"""/v2/ backpack endpoints: owner-only, private badges included, imports verified, Badgr's shapes."""

import base64

from besace.backpack.models import BackpackBadge
from besace.backpack.organise import collection_create
from besace.backpack.services import assertion_accept
from besace.issuing.signing import signed_assertion_jws


def _import(moodle, headers, data):
    return moodle.post("/v2/backpack/import", data, content_type="application/json", **headers)


def test_it_describes_the_token_owner(moodle, bearer, earner):
    earner.first_name, earner.last_name = "Ada", "Lovelace"
    earner.save()
    user = moodle.get("/v2/users/self", **bearer).json()["result"][0]
    assert user["entityType"] == "BadgeUser" and user["entityId"]
    assert (user["firstName"], user["lastName"]) == ("Ada", "Lovelace")
    assert user["emails"] == [{"email": "earner@example.org", "verified": True, "primary": True}]


def test_private_badges_are_visible_to_their_owner(moodle, bearer, earner, award):
    entry = assertion_accept(assertion=award("earner@example.org"), user=earner)
    assert entry.visibility == "private"
    listed = moodle.get("/v2/backpack/assertions", **bearer).json()["result"]
    assert [a["entityId"] for a in listed] == [entry.public_id]
    assert (
        listed[0]["badgeclass"]
        == moodle.get(f"/v2/backpack/assertions/{entry.public_id}", **bearer).json()["result"][0][
            "badgeclass"
        ]
    )  # an entityId when not expanded
    assert isinstance(listed[0]["badgeclass"], str)


def test_other_users_collections_and_badges_are_not_found(moodle, bearer, award, make_user):
    other = make_user("other@example.org")
    theirs = assertion_accept(assertion=award("other@example.org"), user=other)
    their_collection = collection_create(owner=other, name="Theirs")
    for path in (
        f"/v2/backpack/assertions/{theirs.public_id}",
        f"/v2/backpack/collections/{their_collection.public_id}",
    ):
        response = moodle.get(path, **bearer)
        assert response.status_code == 404 and response.json()["status"]["success"] is False
    assert moodle.get("/v2/backpack/assertions", **bearer).json()["result"] == []
    assert moodle.get("/v2/backpack/collections", **bearer).json()["result"] == []


def test_it_imports_a_base64_image_and_a_signed_assertion(moodle, bearer, earner, award, fetcher):
    baked = moodle.get(f"/public/assertions/{award('earner@example.org').public_id}/baked.png").content
    by_image = _import(moodle, bearer, {"image": base64.b64encode(baked).decode()})
    signed = award("earner@example.org")
    by_jws = _import(moodle, bearer, {"assertion": signed_assertion_jws(signed)})
    assert (by_image.status_code, by_jws.status_code) == (201, 201)
    assert BackpackBadge.objects.filter(owner=earner).count() == 2


def test_it_imports_an_assertion_given_as_json(moodle, bearer, earner, award, fetcher):
    hosted = award("earner@example.org")
    document = moodle.get(f"/public/assertions/{hosted.public_id}").json()
    assert _import(moodle, bearer, {"assertion": document}).status_code == 201
    assert BackpackBadge.objects.get(owner=earner).badge_id == hosted.public_url


def test_it_refuses_a_badge_awarded_to_someone_else_naming_the_failed_checks(moodle, bearer, award, fetcher):
    response = _import(moodle, bearer, {"url": award("somebody@example.org").public_url})
    assert response.status_code == 400
    body = response.json()
    assert body["status"]["success"] is False and "recipient" in body["status"]["description"]
    assert any(error.startswith("recipient") for error in body["validationErrors"])
    assert not BackpackBadge.objects.exists()


def test_it_refuses_a_duplicate_like_badgr(moodle, bearer, award, fetcher):
    url = award("earner@example.org").public_url
    _import(moodle, bearer, {"url": url})
    response = _import(moodle, bearer, {"url": url})
    assert response.status_code == 400
    assert "already have this badge" in response.json()["status"]["description"]
    assert BackpackBadge.objects.count() == 1


def test_it_refuses_unusable_input(moodle, bearer, fetcher):
    for data in ({}, {"image": "not base64!"}, {"url": "x", "image": "eA=="}, {"assertion": "not a badge"}):
        response = _import(moodle, bearer, data)
        assert response.status_code == 400 and response.json()["status"]["success"] is False, data
    assert (
        moodle.post("/v2/backpack/import", "{", content_type="application/json", **bearer).status_code == 400
    )


def test_the_openapi_document_lists_the_endpoints(client):
    paths = client.get("/v2/openapi.json").json()["paths"]
    assert {"/v2/users/self", "/v2/backpack/collections", "/v2/backpack/import"} <= set(paths)
