"""The OAuth2 server: registration (RFC 7591), the consent screen, PKCE, exact redirect URIs, scopes."""

import pytest
from django.test import override_settings
from oauth2_provider.models import AccessToken, Application

from besace.connect.models import ClientMetadata, Connection
from besace.connect.scopes import OB21_ASSERTION_CREATE, OB21_ASSERTION_READ, OB30_CREDENTIAL_READ

from .conftest import (
    MOODLE,
    MOODLE_CALLBACK,
    authorize_url,
    bearer,
    consent_answer,
    moodle_registration,
    pkce_pair,
    query_of,
)


def _register(app_client, **changes):
    body = {**moodle_registration(OB21_ASSERTION_CREATE), **changes}
    return app_client.post("/oauth/register", body, content_type="application/json")


def test_registration_keeps_the_metadata_and_hashes_the_secret(app_client, db):
    response = _register(app_client, scope=f"{OB21_ASSERTION_CREATE} openid {OB30_CREDENTIAL_READ}")
    assert response.status_code == 201
    body = response.json()
    application = Application.objects.get(client_id=body["client_id"])
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.client_secret != body["client_secret"]  # only its hash is stored
    assert application.redirect_uris == MOODLE_CALLBACK
    metadata = ClientMetadata.objects.get(application=application)
    assert (metadata.software_id, metadata.logo_uri) == ("moodle", MOODLE + "pix/f/moodle-256.png")
    # Scopes this server does not offer are left out, as RFC 7591 allows.
    assert body["scope"] == metadata.scope == f"{OB21_ASSERTION_CREATE} {OB30_CREDENTIAL_READ}"


def test_a_public_client_gets_no_secret(app_client, db):
    body = _register(app_client, token_endpoint_auth_method="none").json()
    assert "client_secret" not in body and body["token_endpoint_auth_method"] == "none"
    assert Application.objects.get(client_id=body["client_id"]).client_type == Application.CLIENT_PUBLIC


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": ["javascript:alert(1)"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://moodle.example/cb#fragment"]}, "invalid_redirect_uri"),
        ({"redirect_uris": "https://moodle.example/cb"}, "invalid_redirect_uri"),
        ({"token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata"),
        ({"grant_types": ["client_credentials"]}, "invalid_client_metadata"),
        ({"response_types": ["token"]}, "invalid_client_metadata"),
        ({"client_name": ""}, "invalid_client_metadata"),
        ({"logo_uri": "file:///etc/passwd"}, "invalid_client_metadata"),
        ({"scope": "openid profile"}, "invalid_client_metadata"),
        ({"scope": ["a", "list"]}, "invalid_client_metadata"),
    ],
)
def test_unusable_metadata_is_refused_with_the_rfc_7591_error(app_client, db, changes, error):
    response = _register(app_client, **changes)
    assert response.status_code == 400
    assert response.json()["error"] == error and response.json()["error_description"]
    assert not Application.objects.exists()


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"text"', "[" * 10_000, b"\xff"])
def test_a_body_that_is_not_a_json_object_is_refused(app_client, db, body):
    response = app_client.post("/oauth/register", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "invalid_client_metadata"


@override_settings(BESACE_CLIENT_REGISTRATIONS_PER_HOUR=2)
def test_registration_is_rate_limited_per_address(app_client, db):
    assert [_register(app_client).status_code for _ in range(3)] == [201, 201, 429]
    assert Application.objects.count() == 2


def test_a_public_client_must_use_pkce(app_client, client, earner):
    registered = _register(app_client, token_endpoint_auth_method="none").json()
    client.force_login(earner)
    response = client.get(authorize_url(registered["client_id"], OB21_ASSERTION_CREATE, challenge=None))
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert response["Location"].startswith(MOODLE_CALLBACK) and answer["error"] == "invalid_request"
    assert "code" not in answer


def test_pkce_plain_is_refused(app_client, client, earner):
    registered = _register(app_client, token_endpoint_auth_method="none").json()
    client.force_login(earner)
    url = authorize_url(registered["client_id"], OB21_ASSERTION_CREATE, challenge=None)
    plain = url + "&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method=plain"
    answer = query_of(consent_answer(client, plain, allow=True)["Location"])
    assert answer["error"] == "invalid_request" and "code" not in answer


def test_a_wrong_code_verifier_gets_no_token(app_client, client, earner):
    registered = _register(app_client, token_endpoint_auth_method="none").json()
    client.force_login(earner)
    _verifier, challenge = pkce_pair()
    allowed = consent_answer(
        client, authorize_url(registered["client_id"], OB21_ASSERTION_CREATE, challenge), allow=True
    )
    token = app_client.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": query_of(allowed["Location"])["code"],
            "redirect_uri": MOODLE_CALLBACK,
            "client_id": registered["client_id"],
            "code_verifier": pkce_pair()[0],
        },
    )
    assert token.status_code == 400 and token.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize(
    "redirect_uri", [MOODLE + "admin/oauth2callback.php?x=1", MOODLE + "admin/", "https://evil.example/cb"]
)
def test_a_redirect_uri_not_registered_exactly_is_refused_without_redirecting(
    app_client, client, earner, redirect_uri
):
    registered = _register(app_client).json()
    client.force_login(earner)
    url = authorize_url(
        registered["client_id"], OB21_ASSERTION_CREATE, pkce_pair()[1], redirect_uri=redirect_uri
    )
    response = client.get(url)
    assert response.status_code == 400 and not response.has_header("Location")
    assert "This connection cannot be made" in response.content.decode()


def test_a_scope_the_client_did_not_register_is_refused(app_client, client, earner):
    registered = _register(app_client).json()  # registered for assertion.create only
    client.force_login(earner)
    response = client.get(authorize_url(registered["client_id"], OB21_ASSERTION_READ, pkce_pair()[1]))
    assert query_of(response["Location"])["error"] == "invalid_scope"


def test_deny_sends_access_denied_and_grants_nothing(app_client, client, earner):
    registered = _register(app_client).json()
    client.force_login(earner)
    denied = consent_answer(
        client, authorize_url(registered["client_id"], OB21_ASSERTION_CREATE, pkce_pair()[1]), allow=False
    )
    assert denied.status_code == 302
    answer = query_of(denied["Location"])
    assert answer["error"] == "access_denied" and answer["state"] == "moodle-sesskey" and "code" not in answer
    assert not Connection.objects.exists()


def test_someone_signed_out_logs_in_then_comes_back_to_the_consent_screen(app_client, client, earner):
    registered = _register(app_client).json()
    url = authorize_url(registered["client_id"], OB21_ASSERTION_CREATE, pkce_pair()[1])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert query_of(response["Location"])["next"] == url


def test_the_flow_survives_the_data_protection_statement(app_client, client, make_user):
    newcomer = make_user("new@example.org", consent=False)
    registered = _register(app_client).json()
    url = authorize_url(registered["client_id"], OB21_ASSERTION_CREATE, pkce_pair()[1])
    client.force_login(newcomer)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/consent/")
    back_to = query_of(response["Location"])["next"]
    assert back_to == url
    accepted = client.post(response["Location"], {"accept_data_protection": "on", "next": back_to})
    assert accepted.status_code == 302 and accepted["Location"] == url
    assert client.get(url).status_code == 200


def test_the_consent_screen_speaks_french(app_client, client, earner):
    registered = _register(app_client).json()
    earner.language = "fr"
    earner.save()
    client.force_login(earner)
    page = client.get(authorize_url(registered["client_id"], OB21_ASSERTION_CREATE, pkce_pair()[1]))
    assert page.status_code == 200 and 'lang="fr"' in page.content.decode()


def test_a_token_without_the_scope_gets_403(connect_app, app_client, earner):
    connected = connect_app(earner, scope=OB21_ASSERTION_CREATE)
    response = app_client.get("/ims/ob/v2p1/assertions", **bearer(connected.access_token))
    assert response.status_code == 403
    assert response.json()["status"]["statusText"] == "PERMISSION_DENIED"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert app_client.get("/ims/ob/v3p0/credentials", **bearer(connected.access_token)).status_code == 403


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic Zm9vOmJhcg=="])
def test_no_valid_token_gets_401(app_client, db, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = app_client.get("/ims/ob/v2p1/profile", **headers)
    assert response.status_code == 401 and response.json()["status"]["statusCode"] == 401
    v3 = app_client.get("/ims/ob/v3p0/profile", **headers)
    assert v3.status_code == 401 and v3.json()["imsx_codeMajor"] == "failure"


def test_the_badgr_compatible_token_endpoint_still_answers_moodle_obv20(app_client, earner):
    response = app_client.post(
        "/o/token", {"username": "earner@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 200 and response.json()["access_token"]
