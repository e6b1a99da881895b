"""Moodle's "OBv2.1" backpack connection (Badge Connect), replayed request by request against Besace.

Moodle reads the manifest (lib/classes/oauth2/discovery/imsbadgeconnect.php: the last badgeConnectAPI
entry, keys ending in Url become endpoints), registers itself, sends the user to the authorization
URL with PKCE S256 asking for every offered scope but the first (badges/classes/oauth2/client.php),
exchanges the code with HTTP Basic client credentials, exports a badge with POST {apiBase}/assertions
(badges/classes/backpack_api2p1.php: success is status.statusCode == 200), and later refreshes its
token with the client credentials in the form body.
"""

import json

import jsonschema

from besace.backpack.models import BackpackBadge
from besace.connect.models import Connection
from besace.core.models import AuditEntry
from besace.openbadges.verify.mapped_fetcher import MappedFetcher

from .conftest import (
    MOODLE_CALLBACK,
    authorize_url,
    basic,
    bearer,
    consent_answer,
    moodle_registration,
    pkce_pair,
    query_of,
)
from .moodle_site import ASSERTION_URL, moodle_assertion, moodle_site_fetcher

SCHEMAS = "openbadges-specification/ob_v2p1/schema/json/"


def _schema(fixtures, name: str) -> dict:
    return json.loads((fixtures / SCHEMAS / f"imsob_v2p1v2p1-{name}-schemav1p0.json").read_text())


def test_it_replays_moodles_obv21_sequence(app_client, client, earner, monkeypatch, shared_fixtures):
    # 1. Discovery: the manifest at the address the administrator typed.
    manifest = app_client.get("/.well-known/badgeconnect.json")
    assert manifest.status_code == 200
    document = manifest.json()
    assert document["@context"] == "https://purl.imsglobal.org/spec/ob/v2p1/ob_v2p1.jsonld"
    # The spec's schema has no room for @context, which the spec's own example carries.
    without_context = {k: v for k, v in document.items() if k != "@context"}
    jsonschema.validate(without_context, _schema(shared_fixtures, "getmanifest-200-responsepayload"))
    api = document["badgeConnectAPI"][-1]
    assert api["apiBase"] == "http://testserver/ims/ob/v2p1" and api["version"] == "v2p1"
    endpoints = {key: value for key, value in api.items() if key.endswith("Url")}
    assert set(endpoints) >= {"registrationUrl", "authorizationUrl", "tokenUrl", "tokenRevocationUrl"}
    path = {key: value.removeprefix("http://testserver") for key, value in endpoints.items()}

    # 2. Registration, with Moodle's fields and every offered scope.
    offered = " ".join(api["scopesOffered"])
    registration = app_client.post(
        path["registrationUrl"], moodle_registration(offered), content_type="application/json"
    )
    assert registration.status_code == 201, registration.content
    registered = registration.json()
    client_id, client_secret = registered["client_id"], registered["client_secret"]
    assert registered["client_secret_expires_at"] == 0 and registered["client_id_issued_at"] > 0
    assert registered["software_id"] == "moodle" and registered["redirect_uris"] == [MOODLE_CALLBACK]
    assert registered["token_endpoint_auth_method"] == "client_secret_basic"
    assert registered["scope"] == offered

    # 3. Authorization: the user, signed in, is shown who asks for what, and allows it.
    requested = " ".join(api["scopesOffered"][1:])  # Moodle drops the first scope it is offered
    verifier, challenge = pkce_pair()
    client.force_login(earner)
    url = authorize_url(client_id, requested, challenge)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Moodle de l&#x27;Université" in html and "moodle.example" in html
    assert "Add badges to your backpack" in html
    allowed = consent_answer(client, url, allow=True)
    assert allowed.status_code == 302 and allowed["Location"].startswith(MOODLE_CALLBACK + "?")
    callback = query_of(allowed["Location"])
    assert callback["state"] == "moodle-sesskey" and callback["code"]

    # 4. Token: HTTP Basic client credentials, the code and the PKCE verifier.
    token = app_client.post(
        path["tokenUrl"],
        {
            "code": callback["code"],
            "grant_type": "authorization_code",
            "redirect_uri": MOODLE_CALLBACK,
            "code_verifier": verifier,
        },
        **basic(client_id, client_secret),
    )
    assert token.status_code == 200, token.content
    tokens = token.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] > 0
    assert tokens["refresh_token"] and set(tokens["scope"].split()) == set(requested.split())

    # 5. Export: the badge Moodle hosts, sent whole, lands in the backpack.
    fetcher = moodle_site_fetcher("earner@example.org")
    monkeypatch.setattr("besace.connect.ob21.badge_fetcher", lambda: fetcher)
    exported = app_client.post(
        api["apiBase"].removeprefix("http://testserver") + "/assertions",
        {"assertion": moodle_assertion("earner@example.org")},
        content_type="application/json",
        **bearer(tokens["access_token"]),
    )
    assert exported.status_code == 200, exported.content
    assert exported.json()["status"]["statusCode"] == 200
    jsonschema.validate(
        exported.json(), _schema(shared_fixtures, "postassertion-200-400-401-404-405-500-responsepayload")
    )
    entry = BackpackBadge.objects.get(owner=earner)
    assert (entry.badge_id, entry.name, entry.version) == (ASSERTION_URL, "Quiz master", "2.0")
    assert entry.pushed_by == "Moodle de l'Université" and entry.image
    assert ASSERTION_URL in fetcher.requested  # hosted: checked where the issuer serves it

    # 6. Later, the token is refreshed: client credentials in the body this time.
    refreshed = app_client.post(
        path["tokenUrl"],
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "scope": tokens["scope"],
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )
    assert refreshed.status_code == 200, refreshed.content
    renewed = refreshed.json()
    again = app_client.post(
        "/ims/ob/v2p1/assertions",
        {"assertion": moodle_assertion("earner@example.org")},
        content_type="application/json",
        **bearer(renewed["access_token"]),
    )
    assert again.json()["status"]["statusCode"] == 200  # already there: still a success for Moodle
    assert BackpackBadge.objects.filter(owner=earner).count() == 1

    # 7. Revocation (RFC 7009): the revoked token no longer opens anything.
    revoked = app_client.post(
        path["tokenRevocationUrl"], {"token": renewed["access_token"]}, **basic(client_id, client_secret)
    )
    assert revoked.status_code == 200
    refused = app_client.get("/ims/ob/v2p1/assertions", **bearer(renewed["access_token"]))
    assert refused.status_code == 401
    assert refused.json()["status"] == {
        "statusCode": 401,
        "statusText": "UNAUTHENTICATED",
        "error": "A valid access token is required (Authorization: Bearer).",
    }
    assert refused["WWW-Authenticate"].startswith("Bearer")

    connection = Connection.objects.get(user=earner)
    actions = set(
        AuditEntry.objects.filter(target_type="connect.connection", target_id=str(connection.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {"connect.access.granted", "connect.token.issued", "connect.token.revoked"}
    assert AuditEntry.objects.filter(action="connect.client.registered").count() == 1


def test_moodles_verify_spelling_is_understood(connect_app, app_client, earner, monkeypatch):
    assertion = moodle_assertion("earner@example.org")
    del assertion["verification"]
    assertion["verify"] = {
        "type": "hosted",
        "url": ASSERTION_URL,
    }  # as badges/classes/assertion.php writes it
    served = {**moodle_site_fetcher("earner@example.org").urls, ASSERTION_URL: json.dumps(assertion).encode()}
    monkeypatch.setattr("besace.connect.ob21.badge_fetcher", lambda: MappedFetcher(served))
    exported = app_client.post(
        "/ims/ob/v2p1/assertions",
        {"assertion": assertion},
        content_type="application/json",
        **bearer(connect_app(earner).access_token),
    )
    assert exported.json()["status"]["statusCode"] == 200, exported.json()
