"""Log in with an address and a password, whatever the case of the address; log out by POST only."""

from django.contrib.auth import get_user_model

from besace.accounts.tests.helpers import PASSWORD, messages_of

User = get_user_model()


def test_it_signs_in_with_address_and_password(client, make_user):
    user = make_user("ada@example.org", password=PASSWORD)

    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})

    assert response.status_code == 302 and response.url == "/backpack/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_signs_in_whatever_the_case_of_the_address(client, make_user):
    user = make_user("ada@example.org", password=PASSWORD)

    client.post("/accounts/login/", {"login": "  Ada@EXAMPLE.org ", "password": PASSWORD})

    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_signs_in_with_a_secondary_verified_address(client, make_user):
    from allauth.account.models import EmailAddress

    user = make_user("ada@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email="ada@work.example", verified=True)

    client.post("/accounts/login/", {"login": "ada@work.example", "password": PASSWORD})

    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_refuses_a_wrong_password_with_a_clear_message(client, make_user):
    make_user("ada@example.org", password=PASSWORD)

    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": "not it"})

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_follows_a_safe_next_and_ignores_another_site(client, make_user):
    make_user("ada@example.org", password=PASSWORD)

    response = client.post(
        "/accounts/login/",
        {"login": "ada@example.org", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.url == "/backpack/"


def test_it_logs_out_on_post(client, make_user):
    client.force_login(make_user("ada@example.org"))

    response = client.post("/accounts/logout/", follow=True)

    assert "_auth_user_id" not in client.session
    assert "You have signed out." in messages_of(response)


def test_it_only_asks_for_confirmation_on_get(client, make_user):
    # A link (or an image) pointing at the logout URL must not sign anyone out.
    client.force_login(make_user("ada@example.org"))

    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert "_auth_user_id" in client.session


def test_it_audits_the_login_on_the_account_only(client, make_user):
    # A sign-in is a security event of the account (shown to its owner), not a change of anything else.
    from besace.core.models import AuditEntry

    ada = make_user("ada@example.org", password=PASSWORD)
    before = AuditEntry.objects.count()

    client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})

    entry = AuditEntry.objects.get(action="account.login.succeeded")
    assert AuditEntry.objects.count() == before + 1
    assert (entry.target_id, entry.actor, entry.data) == (
        str(ada.pk),
        ada,
        {"ip": "127.0.0.1", "method": "password"},
    )
