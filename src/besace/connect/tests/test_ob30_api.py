"""The Open Badges 3.0 API (/ims/ob/v3p0): discovery, credentials (read and upsert), profile."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from besace.backpack.models import BackpackBadge
from besace.backpack.services import assertion_accept
from besace.connect.scopes import OB30_SCOPES
from besace.core.models import AuditEntry
from besace.openbadges.tests.verify_ob3.helpers import VC_TEST_FIXTURES, badge, did_key, fixture_fetcher, sign
from besace.openbadges.verify.mapped_fetcher import MappedFetcher

from .conftest import bearer

KEY = Ed25519PrivateKey.generate()
ISSUER = did_key(KEY)
METHOD = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
RECIPIENT = "nobody@example.org"  # the address the helper's credential is hashed for


def _credential(**changes) -> dict:
    return sign({**badge(ISSUER), **changes}, KEY, METHOD)


@pytest.fixture
def holder(make_user):
    return make_user(RECIPIENT)


@pytest.fixture
def token(connect_app, holder):
    return bearer(connect_app(holder, scope=" ".join(OB30_SCOPES)).access_token)


@pytest.fixture
def offline(monkeypatch):
    """No network: did:key keys resolve by themselves; anything else is unreachable."""
    fetcher = MappedFetcher()
    monkeypatch.setattr("besace.connect.ob30.badge_fetcher", lambda: fetcher)
    return fetcher


def _post(app_client, token, credential):
    return app_client.post("/ims/ob/v3p0/credentials", credential, content_type="application/json", **token)


def test_discovery_is_open_and_names_the_oauth2_server(app_client, db):
    response = app_client.get("/ims/ob/v3p0/discovery")
    assert response.status_code == 200
    document = response.json()
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"] == "http://testserver/oauth/register"
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "http://testserver/oauth/authorize"
    assert flow["tokenUrl"] == flow["refreshUrl"] == "http://testserver/oauth/token"
    assert set(flow["scopes"]) == set(OB30_SCOPES)
    assert {"/credentials", "/profile", "/discovery"} <= set(document["paths"])
    assert document["servers"] == [{"url": "http://testserver/ims/ob/v3p0"}]
    assert app_client.get("/ims/ob/v3p0/openapi.json").json()["components"] == document["components"]


def test_upsert_adds_then_replaces_a_credential(app_client, holder, token, offline):
    created = _post(app_client, token, _credential())
    assert created.status_code == 201, created.content
    assert created.json()["id"] == badge(ISSUER)["id"]
    entry = BackpackBadge.objects.get(owner=holder)
    assert entry.version == "3.0" and entry.pushed_by == "Moodle de l'Université"

    assert _post(app_client, token, _credential()).status_code == 200  # the same again: nothing to do
    renamed = _credential(name="Test badge, second edition")
    replaced = _post(app_client, token, renamed)
    assert replaced.status_code == 200 and replaced.json()["name"] == "Test badge, second edition"
    entry.refresh_from_db()
    assert json.loads(entry.original)["name"] == "Test badge, second edition"
    assert BackpackBadge.objects.filter(owner=holder).count() == 1
    assert AuditEntry.objects.filter(action="backpack.badge.replaced", target_id=str(entry.pk)).exists()

    listed = app_client.get("/ims/ob/v3p0/credentials", **token)
    assert listed.status_code == 200 and listed["X-Total-Count"] == "1"
    assert listed.json() == {"credential": [json.loads(entry.original)], "compactJwsString": []}


def test_a_forged_replacement_is_refused_and_the_stored_one_stays(app_client, holder, token, offline):
    _post(app_client, token, _credential())
    forged = _credential()
    forged["name"] = "Changed after signing"
    response = _post(app_client, token, forged)
    assert response.status_code == 400
    body = response.json()
    assert body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error"
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "invalid_data"
    assert json.loads(BackpackBadge.objects.get(owner=holder).original)["name"] == "Test badge"


def test_a_real_third_party_credential_naming_no_email_is_refused_on_its_recipient(
    app_client, holder, token, monkeypatch, shared_fixtures
):
    # vc-test-fixtures' credentials identify no one by e-mail: Besace cannot tell it is this user's.
    monkeypatch.setattr("besace.connect.ob30.badge_fetcher", fixture_fetcher)
    path = (
        VC_TEST_FIXTURES
        / "verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-credName.json"
    )
    response = _post(app_client, token, json.loads(path.read_text()))
    assert response.status_code == 400
    assert "recipient" in response.json()["imsx_description"]
    assert not BackpackBadge.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("not json", "application/json"),
        ("[]", "application/json"),
        ('{"type": ["OpenBadgeCredential"]}', "application/json"),
        ("a.b.c", "text/plain"),
        ("eyJhbGciOiJub25lIn0.eyJ2YyI6IHt9fQ.c2ln", "text/plain"),
    ],
)
def test_unusable_input_is_a_400_status_info(app_client, token, offline, body, content_type):
    response = app_client.post("/ims/ob/v3p0/credentials", body, content_type=content_type, **token)
    assert response.status_code == 400 and response.json()["imsx_codeMajor"] == "failure"


def test_besace_awards_are_listed_as_signed_credentials(app_client, holder, token, award):
    assertion_accept(assertion=award(RECIPIENT), user=holder)
    listed = app_client.get("/ims/ob/v3p0/credentials", **token).json()
    (credential,) = listed["credential"]
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


def test_another_users_credentials_are_never_shown(app_client, token, make_user, award):
    other = make_user("other@example.org")
    assertion_accept(assertion=award("other@example.org"), user=other)
    listed = app_client.get("/ims/ob/v3p0/credentials", **token)
    assert listed.json() == {"credential": [], "compactJwsString": []} and listed["X-Total-Count"] == "0"


def test_the_profile_is_read_and_its_name_changed(app_client, holder, token):
    profile = app_client.get("/ims/ob/v3p0/profile", **token).json()
    assert profile["email"] == RECIPIENT and profile["type"] == ["Profile"]
    changed = app_client.put(
        "/ims/ob/v3p0/profile", {**profile, "name": "Dominique"}, content_type="application/json", **token
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Dominique"
    bad = app_client.put("/ims/ob/v3p0/profile", {"name": " "}, content_type="application/json", **token)
    assert bad.status_code == 400 and bad.json()["imsx_codeMajor"] == "failure"


def _with_achievement_name(name: str) -> dict:
    subject = badge(ISSUER)["credentialSubject"]
    return _credential(credentialSubject={**subject, "achievement": {**subject["achievement"], "name": name}})


def test_a_credential_carrying_a_nul_character_is_refused_not_a_crash(app_client, holder, token, offline):
    """Its proof is valid, but no database column can keep a NUL (PostgreSQL refuses it)."""
    response = _post(app_client, token, _with_achievement_name("Test\u0000ed"))
    assert response.status_code == 400 and "NUL" in response.json()["imsx_description"]
    assert not BackpackBadge.objects.filter(owner=holder).exists()

    assert _post(app_client, token, _credential()).status_code == 201
    replaced = _post(app_client, token, _with_achievement_name("Test\u0000ed"))
    assert replaced.status_code == 400 and "NUL" in replaced.json()["imsx_description"]
    assert BackpackBadge.objects.get(owner=holder).name == "Tested"


def test_a_name_with_control_characters_is_refused(app_client, holder, token):
    response = app_client.put(
        "/ims/ob/v3p0/profile", {"name": "Ada\u0000Lovelace"}, content_type="application/json", **token
    )
    assert response.status_code == 400
    holder.refresh_from_db()
    assert "\x00" not in holder.first_name + holder.last_name


def test_a_body_over_the_upload_limit_is_a_413_status_info(app_client, token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = app_client.post("/ims/ob/v3p0/credentials", "x" * 2000, content_type="text/plain", **token)
    assert response.status_code == 413 and "larger than 1000 bytes" in response.json()["imsx_description"]
