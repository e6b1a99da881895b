"""/accounts/security/: the account's recent security events, its own and nobody else's."""

from oauth2_provider.models import Application

from besace.accounts.tests.helpers import PASSWORD, actions_for
from besace.connect.services import connection_grant, connection_revoke

NEW_PASSWORD = "another long passphrase 43"


def _login(client, email: str, password: str = PASSWORD, ip: str = "127.0.0.1"):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def _app() -> Application:
    return Application.objects.create(
        name="Moodle",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://moodle.example/cb",
    )


def test_it_needs_a_signed_in_person(client, db):
    response = client.get("/accounts/security/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_account_page_links_it(client, make_user):
    _login(client, make_user("ada@example.org", password=PASSWORD).email)
    assert 'href="/accounts/security/"' in client.get("/accounts/email/").content.decode()


def test_each_security_event_is_audited_and_listed(client, make_user):
    ada = make_user("ada@example.org", password=PASSWORD)
    _login(client, "ada@example.org", "wrong", ip="198.51.100.1")
    _login(client, "ada@example.org", ip="198.51.100.2")
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    connection = connection_grant(user=ada, application=_app(), scopes=[])
    connection_revoke(connection=connection, actor=ada)
    client.post("/accounts/logout/")

    assert actions_for(ada)[-4:] == [
        "account.login.failed",
        "account.login.succeeded",
        "account.password.changed",
        "account.logged_out",
    ]
    _login(client, "ada@example.org", NEW_PASSWORD)
    page = client.get("/accounts/security/").content.decode()
    for label in [
        "Failed sign-in (wrong password)",
        "Signed in",
        "Password changed",
        "App allowed to use your backpack",
        "App access withdrawn",
        "Signed out",
        "198.51.100.1",
        "198.51.100.2",
    ]:
        assert label in page
    assert page.index("Signed out") < page.index("Password changed")  # newest first


def test_it_shows_only_the_signed_in_persons_events(client, make_user):
    make_user("ada@example.org", password=PASSWORD)
    bob = make_user("bob@example.org", password=PASSWORD)
    _login(client, "bob@example.org", "wrong", ip="203.0.113.66")
    connection_grant(user=bob, application=_app(), scopes=[])
    _login(client, "ada@example.org", ip="192.0.2.1")

    page = client.get("/accounts/security/")

    events = page.context["events"]
    assert [e["label"] for e in events] == ["Signed in", "Data-protection statement accepted"]
    assert "203.0.113.66" not in page.content.decode() and "App allowed" not in page.content.decode()
