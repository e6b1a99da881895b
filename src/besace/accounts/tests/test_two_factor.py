"""Optional two-factor sign-in (allauth.mfa: an authenticator app, recovery codes), in the site's layout."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from besace.accounts.tests.helpers import PASSWORD, actions_for
from besace.api.models import ApiToken


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def _login(client, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": "ada@example.org", "password": password})


def _reauthenticate(client, next_url: str) -> None:
    asked = client.get(next_url)
    assert asked.status_code == 302 and asked.url.startswith("/accounts/reauthenticate/")
    assert client.get(asked.url).status_code == 200
    assert client.post(asked.url, {"password": PASSWORD}).status_code == 302


@pytest.fixture
def ada(make_user):
    return make_user("ada@example.org", password=PASSWORD)


@pytest.fixture
def ada_with_totp(client, ada, django_capture_on_commit_callbacks):
    """Ada turns two-factor on through the pages (confirming her password first, as allauth asks);
    returns her authenticator app's secret. She is signed out afterwards."""
    _login(client)
    _reauthenticate(client, "/accounts/2fa/totp/activate/")
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals the change after commit
        activated = client.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})
    assert activated.status_code == 302, activated.content.decode()[:3000]
    client.post("/accounts/logout/")
    return secret


def test_the_security_page_links_two_factor_setup_in_the_site_layout(client, ada):
    _login(client)
    security = client.get("/accounts/security/")
    assert security.status_code == 200
    assert 'href="/accounts/2fa/"' in security.content.decode()
    setup = client.get("/accounts/2fa/").content.decode()
    assert "<header" in setup  # our base.html, not allauth's bare one
    _reauthenticate(client, "/accounts/2fa/totp/activate/")
    activate = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in activate  # the QR code to scan
    assert 'name="code"' in activate


def test_enrolling_asks_a_code_at_every_sign_in(client, ada, ada_with_totp):
    assert Authenticator.objects.filter(user=ada, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=ada, type=Authenticator.Type.RECOVERY_CODES).exists()

    password_only = _login(client)
    assert password_only.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": _current_code(ada_with_totp)})
    assert client.session["_auth_user_id"] == str(ada.pk)

    actions = actions_for(ada)
    assert "account.two_factor.enabled" in actions and "account.two_factor.failed" in actions
    assert actions[-1] == "account.login.succeeded"


def test_a_recovery_code_signs_in_once_and_is_audited(client, ada, ada_with_totp):
    codes = RecoveryCodes(Authenticator.objects.get(user=ada, type="recovery_codes")).get_unused_codes()
    _login(client)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.session["_auth_user_id"] == str(ada.pk)
    assert actions_for(ada)[-2:] == ["account.two_factor.recovery_code.used", "account.login.succeeded"]

    client.post("/accounts/logout/")
    _login(client)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "_auth_user_id" not in client.session


def test_wrong_codes_lock_the_second_step_with_the_wait_message(client, ada, ada_with_totp, settings):
    _login(client)
    for _ in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    locked = client.post("/accounts/2fa/authenticate/", {"code": _current_code(ada_with_totp)})
    assert "_auth_user_id" not in client.session
    assert "Wait 15 minutes" in locked.content.decode()


def test_turning_it_off_and_new_recovery_codes_are_audited(
    client, ada, ada_with_totp, django_capture_on_commit_callbacks
):
    _login(client)
    client.post("/accounts/2fa/authenticate/", {"code": _current_code(ada_with_totp)})
    _reauthenticate(client, "/accounts/2fa/recovery-codes/generate/")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
        assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=ada, type=Authenticator.Type.TOTP).exists()
    assert set(actions_for(ada)[-2:]) == {
        "account.two_factor.recovery_codes.regenerated",
        "account.two_factor.disabled",
    }


def test_the_badgr_password_grant_refuses_a_two_factor_account(client, ada, ada_with_totp):
    refused = client.post("/o/token", {"username": "ada@example.org", "password": PASSWORD})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert "Badge Connect" in refused.json()["error_description"]
    assert not ApiToken.objects.exists()
