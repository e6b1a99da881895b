"""The "Connected apps" page: what the user let in, and taking it back."""

from oauth2_provider.models import AccessToken, RefreshToken

from besace.connect.models import Connection
from besace.connect.scopes import OB21_ASSERTION_CREATE
from besace.core.models import AuditEntry

from .conftest import authorize_url, bearer, consent_answer, pkce_pair


def test_it_lists_the_apps_and_revokes_one(connect_app, app_client, client, earner):
    connected = connect_app(earner)
    app_client.get("/ims/ob/v2p1/profile", **bearer(connected.access_token))
    page = client.get("/accounts/connected-apps/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Moodle de l&#x27;Université" in html and "https://moodle.example/" in html
    assert "Add badges to your backpack" in html and "Never" not in html  # it was used

    connection = Connection.objects.get(user=earner)
    response = client.post(f"/accounts/connected-apps/{connection.pk}/revoke/")
    assert response.status_code == 302
    assert app_client.get("/ims/ob/v2p1/profile", **bearer(connected.access_token)).status_code == 401
    refreshed = app_client.post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": connected.refresh_token,
            "client_id": connected.client_id,
            "client_secret": connected.client_secret,
        },
    )
    assert refreshed.status_code == 400
    assert not AccessToken.objects.filter(user=earner).exists()
    assert not RefreshToken.objects.filter(user=earner, revoked__isnull=True).exists()
    assert AuditEntry.objects.filter(
        action="connect.access.revoked", target_id=str(connection.pk), actor=earner
    ).exists()
    assert (
        "No application can reach your backpack." in client.get("/accounts/connected-apps/").content.decode()
    )


def test_nobody_revokes_someone_elses_connection(connect_app, client, earner, make_user):
    connect_app(earner)
    connection = Connection.objects.get(user=earner)
    client.force_login(make_user("intruder@example.org"))
    assert client.post(f"/accounts/connected-apps/{connection.pk}/revoke/").status_code == 404
    assert (
        "No application can reach your backpack." in client.get("/accounts/connected-apps/").content.decode()
    )
    connection.refresh_from_db()
    assert connection.revoked_at is None


def test_allowing_again_after_revoking_reconnects(connect_app, client, earner):
    connected = connect_app(earner)
    connection = Connection.objects.get(user=earner)
    client.post(f"/accounts/connected-apps/{connection.pk}/revoke/")
    consent_answer(
        client, authorize_url(connected.client_id, OB21_ASSERTION_CREATE, pkce_pair()[1]), allow=True
    )
    connection.refresh_from_db()
    assert connection.revoked_at is None and connection.scopes == [OB21_ASSERTION_CREATE]


def test_the_page_needs_a_signed_in_user(client, db):
    response = client.get("/accounts/connected-apps/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
