"""A client application as Moodle and other Badge Connect clients are: registered, then let in by a
user through the consent screen, with PKCE; its tokens for the tests."""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from besace.connect.scopes import OB21_SCOPES

MOODLE = "https://moodle.example/"
MOODLE_CALLBACK = MOODLE + "admin/oauth2callback.php"


@pytest.fixture
def app_client():
    """The client application's own HTTP client: no session cookies, no CSRF token."""
    return Client(enforce_csrf_checks=True)


def moodle_registration(scope: str) -> dict:
    """What Moodle (lib/classes/oauth2/discovery/imsbadgeconnect.php) posts to registrationUrl."""
    return {
        "client_name": "Moodle de l'Université",
        "client_uri": MOODLE,
        "logo_uri": MOODLE + "pix/f/moodle-256.png",
        "tos_uri": MOODLE,
        "policy_uri": MOODLE,
        "software_id": "moodle",
        "software_version": "2024100700.02",
        "redirect_uris": [MOODLE_CALLBACK],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": scope,
    }


def pkce_pair() -> tuple[str, str]:
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(43)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic(client_id: str, client_secret: str) -> dict:
    encoded = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {encoded}"}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def authorize_url(
    client_id: str, scope: str, challenge: str | None, redirect_uri: str = MOODLE_CALLBACK
) -> str:
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "state": "moodle-sesskey",
        "scope": scope,
    }
    if challenge is not None:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return "/oauth/authorize?" + urlencode(params)


def consent_answer(browser: Client, url: str, *, allow: bool):
    """Show the consent screen at `url`, then press Allow or Deny; returns the POST's response."""
    page = browser.get(url)
    assert page.status_code == 200, page.content.decode()[:2000]
    form = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    if allow:
        form["allow"] = "true"
    return browser.post(url, form)


def query_of(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@dataclass
class Connected:
    client_id: str
    client_secret: str | None
    access_token: str
    refresh_token: str
    token_response: dict


@pytest.fixture
def connect_app(app_client, client):
    """Registers a client with `scope`, lets `user` allow it (signed in with the test `client`), and
    exchanges the code: returns its credentials and tokens."""

    def connect(user, scope: str = " ".join(OB21_SCOPES), **registration) -> Connected:
        body = {**moodle_registration(scope), **registration}
        registered = app_client.post("/oauth/register", body, content_type="application/json").json()
        client.force_login(user)
        verifier, challenge = pkce_pair()
        allowed = consent_answer(client, authorize_url(registered["client_id"], scope, challenge), allow=True)
        code = query_of(allowed["Location"])["code"]
        exchange = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": MOODLE_CALLBACK,
            "code_verifier": verifier,
        }
        secret = registered.get("client_secret")
        if secret is None:
            exchange["client_id"] = registered["client_id"]
            headers = {}
        else:
            headers = basic(registered["client_id"], secret)
        tokens = app_client.post("/oauth/token", exchange, **headers)
        assert tokens.status_code == 200, tokens.content
        issued = tokens.json()
        return Connected(
            registered["client_id"], secret, issued["access_token"], issued["refresh_token"], issued
        )

    return connect
