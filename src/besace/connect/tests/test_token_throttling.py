"""/oauth/token refuses a client, or an address, after too many failed client authentications (429 with
an OAuth-style JSON error), even with the right secret, until the cool-off has passed."""

import pytest

from besace.connect.scopes import OB21_ASSERTION_READ
from besace.core.models import AuditEntry

from .conftest import basic, moodle_registration


@pytest.fixture
def registered(app_client, db):
    return app_client.post(
        "/oauth/register", moodle_registration(OB21_ASSERTION_READ), content_type="application/json"
    ).json()


def _token(app_client, client_id: str, secret: str, ip: str = "127.0.0.1"):
    body = {"grant_type": "authorization_code", "code": "nope", "redirect_uri": "https://moodle.example/"}
    return app_client.post("/oauth/token", body, REMOTE_ADDR=ip, **basic(client_id, secret))


def test_a_client_is_locked_after_failed_authentications_from_many_addresses(
    app_client, registered, settings
):
    client_id, secret = registered["client_id"], registered["client_secret"]
    assert _token(app_client, client_id, secret).json()["error"] == "invalid_grant"  # authenticated
    for n in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        assert _token(app_client, client_id, "wrong", ip=f"10.1.0.{n}").status_code == 401

    locked = _token(app_client, client_id, secret, ip="10.1.1.1")

    assert locked.status_code == 429 and locked["Retry-After"] == str(15 * 60)
    assert locked.json() == {
        "error": "slow_down",
        "error_description": "Too many failed sign-in attempts. Wait 15 minutes, then try again.",
    }
    failures = AuditEntry.objects.filter(action="connect.client.authentication_failed")
    assert failures.count() == settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT
    assert failures.first().data == {"ip": "10.1.0.4"}


def test_an_address_is_locked_after_failures_on_many_clients(app_client, registered, settings):
    for n in range(settings.BESACE_LOGIN_FAILURES_PER_ADDRESS):
        _token(app_client, f"guess-{n}", "wrong", ip="192.0.2.9")

    assert _token(app_client, registered["client_id"], "x", ip="192.0.2.9").status_code == 429
    other = _token(app_client, registered["client_id"], registered["client_secret"], ip="192.0.2.10")
    assert other.status_code == 400


def test_the_client_works_again_after_the_cool_off(app_client, registered, settings, rate_limit_clock):
    client_id, secret = registered["client_id"], registered["client_secret"]
    for _ in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        _token(app_client, client_id, "wrong")
    assert _token(app_client, client_id, secret).status_code == 429

    rate_limit_clock(minutes=15.1)

    assert _token(app_client, client_id, secret).json()["error"] == "invalid_grant"


@pytest.mark.parametrize("header", ["Basic !!!notbase64", "Basic " + "w6k=", "Basic"])
def test_a_garbled_basic_header_is_a_plain_client_error(app_client, db, header):
    response = app_client.post("/oauth/token", {"grant_type": "refresh_token"}, HTTP_AUTHORIZATION=header)
    assert response.status_code in (400, 401)
