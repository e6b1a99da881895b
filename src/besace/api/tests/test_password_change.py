"""Changing the password revokes the API tokens obtained with the old one."""

from besace.core.models import AuditEntry

from .conftest import PASSWORD


def test_it_revokes_api_tokens_when_the_password_changes(client, moodle, bearer, earner):
    client.force_login(earner)
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
    )
    assert moodle.get("/v2/users/self", **bearer).status_code == 401
    assert AuditEntry.objects.filter(action="api.token.revoked", actor=earner).count() == 1
    token = moodle.post("/o/token", {"username": "earner@example.org", "password": "a brand new passphrase"})
    assert token.status_code == 200
