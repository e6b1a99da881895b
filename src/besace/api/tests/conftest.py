import pytest
from django.test import Client

from besace.testing.client_fetcher import ClientFetcher

PASSWORD = "correct horse battery"  # make_user's default


@pytest.fixture
def fetcher(monkeypatch, settings):
    """The issuer's server, seen from the backpack: Besace's public assertion URLs, served in-process."""
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    monkeypatch.setattr("besace.api.badgr.badge_fetcher", lambda: fetcher)
    return fetcher


@pytest.fixture
def moodle():
    """A client that talks like Moodle: no cookies of a signed-in session, no CSRF token."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def bearer(moodle, earner):
    """The earner's access token, obtained as Moodle does: bare username and password."""
    response = moodle.post("/o/token", {"username": "earner@example.org", "password": PASSWORD})
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access_token']}"}
