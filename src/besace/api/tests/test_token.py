"""POST /o/token: Badgr's token endpoint, called by Moodle with a bare username and password."""

from allauth.account.models import EmailAddress

from besace.api.models import ApiToken
from besace.api.tokens import token_hash
from besace.core.models import AuditEntry

from .conftest import PASSWORD


def test_it_issues_a_token_pair_for_a_bare_username_and_password(moodle, earner):
    response = moodle.post("/o/token", {"username": "earner@example.org", "password": PASSWORD})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 86400 and body["scope"]
    assert body["access_token"] and body["refresh_token"] and body["access_token"] != body["refresh_token"]
    token = ApiToken.objects.get(user=earner)
    assert token.access_hash == token_hash(body["access_token"])  # only hashes are stored
    assert body["access_token"] not in str(ApiToken.objects.values_list())
    assert AuditEntry.objects.filter(
        action="api.token.issued", target_id=str(token.pk), actor=earner
    ).exists()


def test_it_takes_any_verified_address_whatever_its_case(moodle, earner):
    EmailAddress.objects.create(user=earner, email="second@example.org", verified=True, primary=False)
    EmailAddress.objects.create(user=earner, email="unverified@example.org", verified=False, primary=False)
    ok = moodle.post("/o/token", {"username": "SECOND@Example.org", "password": PASSWORD})
    refused = moodle.post("/o/token", {"username": "unverified@example.org", "password": PASSWORD})
    assert ok.status_code == 200 and refused.status_code == 400


def test_it_refuses_a_wrong_password_like_badgr(moodle, earner):
    response = moodle.post("/o/token", {"username": "earner@example.org", "password": "wrong"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not ApiToken.objects.exists()


def test_it_throttles_repeated_failures_with_a_clear_429(moodle, earner, settings):
    for _ in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        assert moodle.post("/o/token", {"username": "earner@example.org", "password": "x"}).status_code == 400
    blocked = moodle.post("/o/token", {"username": "Earner@example.org", "password": PASSWORD})
    assert blocked.status_code == 429 and blocked.json()["error"] == "slow_down"
    assert "Wait 15 minutes" in blocked.json()["error_description"]
    assert blocked["Retry-After"] == str(15 * 60)
    assert not ApiToken.objects.exists()  # the right password during the lockout gets nothing
    assert moodle.post("/o/token", {"username": "other@example.org", "password": "x"}).status_code == 400


def test_a_success_takes_back_only_its_own_attempt(moodle, earner, settings):
    # allauth's rule: a success does not wipe earlier failures, or an attacker who also holds a valid
    # account could reset the count between guesses.
    limit = settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT
    for _ in range(limit - 1):
        moodle.post("/o/token", {"username": "earner@example.org", "password": "x"})
    assert (
        moodle.post("/o/token", {"username": "earner@example.org", "password": PASSWORD}).status_code == 200
    )
    assert moodle.post("/o/token", {"username": "earner@example.org", "password": "x"}).status_code == 400
    assert moodle.post("/o/token", {"username": "earner@example.org", "password": "x"}).status_code == 429


def test_it_refreshes_and_rotates_the_pair(moodle, earner):
    first = moodle.post("/o/token", {"username": "earner@example.org", "password": PASSWORD}).json()
    refreshed = moodle.post(
        "/o/token", {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert (
        second["access_token"] != first["access_token"] and second["refresh_token"] != first["refresh_token"]
    )
    old_bearer = {"HTTP_AUTHORIZATION": f"Bearer {first['access_token']}"}
    new_bearer = {"HTTP_AUTHORIZATION": f"Bearer {second['access_token']}"}
    assert moodle.get("/v2/users/self", **old_bearer).status_code == 401
    assert moodle.get("/v2/users/self", **new_bearer).status_code == 200
    reused = moodle.post("/o/token", {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert AuditEntry.objects.filter(action="api.token.refreshed", actor=earner).count() == 1


def test_it_answers_bad_requests_with_oauth_errors(moodle, earner):
    assert moodle.post("/o/token", {"username": "earner@example.org"}).json()["error"] == "invalid_request"
    assert moodle.post("/o/token", {"grant_type": "client_credentials"}).json()["error"] == (
        "unsupported_grant_type"
    )
    assert moodle.get("/o/token").status_code == 405


def test_one_address_trying_many_accounts_is_throttled(moodle, earner, settings, rate_limit_clock):
    for n in range(settings.BESACE_LOGIN_FAILURES_PER_ADDRESS):
        moodle.post(
            "/o/token", {"username": f"guess{n}@example.org", "password": "x"}, REMOTE_ADDR="192.0.2.3"
        )
        rate_limit_clock(minutes=0.1)  # slower than allauth's limit on all sign-ins (30 a minute)
    blocked = moodle.post(
        "/o/token", {"username": "earner@example.org", "password": PASSWORD}, REMOTE_ADDR="192.0.2.3"
    )
    assert blocked.status_code == 429
    elsewhere = moodle.post(
        "/o/token", {"username": "earner@example.org", "password": PASSWORD}, REMOTE_ADDR="192.0.2.4"
    )
    assert elsewhere.status_code == 200


def test_the_page_and_the_token_endpoint_share_the_account_count(client, moodle, earner, settings):
    for _ in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        client.post("/accounts/login/", {"login": "earner@example.org", "password": "x"})
    assert (
        moodle.post("/o/token", {"username": "earner@example.org", "password": PASSWORD}).status_code == 429
    )
    assert AuditEntry.objects.filter(action="account.login.locked", data__via="api").exists()
