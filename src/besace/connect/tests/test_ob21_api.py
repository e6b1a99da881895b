"""The Badge Connect API (/ims/ob/v2p1): the user's badges and profile, and nobody else's."""

import json

import jsonschema
import pytest

from besace.backpack.models import BackpackBadge
from besace.backpack.services import assertion_accept
from besace.core.models import AuditEntry

from .conftest import bearer
from .moodle_site import moodle_assertion, moodle_site_fetcher

OPENAPI = "openbadges-specification/ob_v2p1/schema/openapi3/imsob_v2p1.json"


def _awarded(award, user, count: int) -> list:
    return [assertion_accept(assertion=award(user.email), user=user) for _ in range(count)]


def test_it_lists_the_users_badges_with_paging_headers(
    connect_app, app_client, earner, award, shared_fixtures
):
    _awarded(award, earner, 3)
    token = bearer(connect_app(earner).access_token)
    response = app_client.get("/ims/ob/v2p1/assertions?limit=2&offset=0", **token)
    assert response.status_code == 200
    body = response.json()
    # The spec's own JSON schema file for this answer is not valid JSON (a trailing comma): its OpenAPI
    # document's definition is used instead.
    openapi = json.loads((shared_fixtures / OPENAPI).read_text())
    jsonschema.validate(body, {"$ref": "#/components/schemas/AssertionsResponseDType", **openapi})
    assert body["status"] == {"statusCode": 200, "statusText": "OK"}
    assert len(body["assertions"]) == 2 and body["signedAssertions"] == []
    assert all(a["type"] == "Assertion" and a["recipient"]["hashed"] for a in body["assertions"])
    assert response["X-Total-Count"] == "3"
    assert 'rel="next"' in response["Link"] and "offset=2" in response["Link"]
    last = app_client.get("/ims/ob/v2p1/assertions?limit=2&offset=2", **token)
    assert (
        len(last.json()["assertions"]) == 1
        and 'rel="prev"' in last["Link"]
        and 'rel="next"' not in last["Link"]
    )


def test_since_keeps_the_newer_badges(connect_app, app_client, earner, award):
    older, newer = _awarded(award, earner, 2)
    BackpackBadge.objects.filter(pk=older.pk).update(accepted_at="2020-01-01T00:00:00Z")
    token = bearer(connect_app(earner).access_token)
    response = app_client.get("/ims/ob/v2p1/assertions", {"since": "2021-01-01T00:00:00+00:00"}, **token)
    assert [a["id"] for a in response.json()["assertions"]] == [newer.assertion.public_url]


@pytest.mark.parametrize(
    "query", ["limit=0", "offset=-1", "limit=abc", "since=yesterday", "since=2021-01-01T00:00:00"]
)
def test_bad_paging_is_a_400_in_the_status_envelope(connect_app, app_client, earner, query):
    response = app_client.get(f"/ims/ob/v2p1/assertions?{query}", **bearer(connect_app(earner).access_token))
    assert response.status_code == 400
    assert response.json()["status"]["statusText"] == "REQUEST_VALIDATION_ERROR"


def test_another_users_badges_and_profile_are_never_shown(connect_app, app_client, earner, make_user, award):
    other = make_user("other@example.org")
    _awarded(award, other, 2)
    token = bearer(connect_app(earner).access_token)
    listed = app_client.get("/ims/ob/v2p1/assertions", **token)
    assert listed.json()["assertions"] == [] and listed["X-Total-Count"] == "0"
    assert app_client.get("/ims/ob/v2p1/profile", **token).json()["profile"]["email"] == "earner@example.org"


def test_a_badge_awarded_to_someone_else_is_refused_as_a_recipient_mismatch(
    connect_app, app_client, earner, monkeypatch
):
    fetcher = moodle_site_fetcher("someone.else@example.org")
    monkeypatch.setattr("besace.connect.ob21.badge_fetcher", lambda: fetcher)
    response = app_client.post(
        "/ims/ob/v2p1/assertions",
        {"assertion": moodle_assertion("someone.else@example.org")},
        content_type="application/json",
        **bearer(connect_app(earner).access_token),
    )
    assert response.status_code == 400
    status = response.json()["status"]
    assert status["statusText"] == "RECIPIENT_PROFILE_MISMATCH" and "recipient" in status["error"]
    assert not BackpackBadge.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"assertion": "not a badge"},
        {"signedAssertion": "a.b.c"},
        {"assertion": {"type": "Assertion"}},
        {"assertion": 42},
    ],
)
def test_unusable_input_is_a_400_never_a_500(connect_app, app_client, earner, body):
    response = app_client.post(
        "/ims/ob/v2p1/assertions",
        body,
        content_type="application/json",
        **bearer(connect_app(earner).access_token),
    )
    assert response.status_code == 400 and response.json()["status"]["statusCode"] == 400


def test_a_pushed_badge_waits_for_an_earner_who_asked_to_approve_them(
    connect_app, app_client, earner, monkeypatch
):
    earner.pushed_badges = earner.PushedBadges.ASK
    earner.save()
    fetcher = moodle_site_fetcher("earner@example.org")
    monkeypatch.setattr("besace.connect.ob21.badge_fetcher", lambda: fetcher)
    token = bearer(connect_app(earner).access_token)
    response = app_client.post(
        "/ims/ob/v2p1/assertions",
        {"assertion": moodle_assertion("earner@example.org")},
        content_type="application/json",
        **token,
    )
    assert response.json()["status"]["statusCode"] == 200
    assert BackpackBadge.objects.get(owner=earner).state == BackpackBadge.State.PENDING
    assert app_client.get("/ims/ob/v2p1/assertions", **token).json()["assertions"] == []


def test_the_profile_is_read_and_its_name_changed(connect_app, app_client, earner):
    token = bearer(connect_app(earner).access_token)
    profile = app_client.get("/ims/ob/v2p1/profile", **token).json()["profile"]
    assert profile["type"] == "Profile" and profile["id"].startswith("urn:uuid:")
    changed = app_client.post(
        "/ims/ob/v2p1/profile",
        {**profile, "name": "Camille Martin"},
        content_type="application/json",
        **token,
    )
    assert changed.status_code == 200 and changed.json()["profile"]["name"] == "Camille Martin"
    earner.refresh_from_db()
    assert (earner.first_name, earner.last_name) == ("Camille", "Martin")
    assert AuditEntry.objects.filter(action="account.name.changed", target_id=str(earner.pk)).exists()
    assert changed.json()["profile"]["id"] == profile["id"]


def test_the_openapi_document_names_the_oauth2_server(app_client, db):
    document = app_client.get("/ims/ob/v2p1/openapi.json").json()
    assert set(document["paths"]) == {"/assertions", "/profile"}
    flow = document["components"]["securitySchemes"]["OAuth2ACG"]["flows"]["authorizationCode"]
    assert flow["tokenUrl"] == "http://testserver/oauth/token"
    assert document["paths"]["/assertions"]["post"]["security"] == [
        {"OAuth2ACG": ["https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create"]}
    ]
