"""Social login (Google, Microsoft, LinkedIn through OpenID Connect, Facebook), each provider's servers
mocked at the HTTP level: the real allauth views and the real provider code run, end to end."""

import json
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from besace import settings as besace_settings
from besace.accounts.adapters import SocialAccountAdapter
from besace.accounts.models import DataProtectionConsent
from besace.accounts.tests.helpers import PASSWORD, actions_for, last_code

User = get_user_model()

LINKEDIN_DISCOVERY = {
    "issuer": "https://www.linkedin.com/oauth",
    "authorization_endpoint": "https://www.linkedin.com/oauth/v2/authorization",
    "token_endpoint": "https://www.linkedin.com/oauth/v2/accessToken",
    "userinfo_endpoint": "https://api.linkedin.com/v2/userinfo",
    "jwks_uri": "https://www.linkedin.com/oauth/openid/jwks",
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
}
TOKEN = {"access_token": "token-from-provider", "expires_in": 3600, "token_type": "Bearer"}


class ProviderServers:
    """Stands in for the providers' servers: answers the requests allauth makes, by URL."""

    def __init__(self):
        self.answers: dict[str, tuple[int, dict]] = {}

    def answer(self, url: str, payload: dict, status: int = 200) -> None:
        self.answers[url] = (status, payload)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def request(self, method, url, **kwargs):
        status, payload = self.answers[url]  # a KeyError: allauth called a server we did not expect
        response = requests.Response()
        response.status_code, response.url = status, url
        response._content = json.dumps(payload).encode()
        response.headers["content-type"] = "application/json"
        return response

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)


@pytest.fixture
def configure_providers(settings, monkeypatch):
    """Configure providers the way production does: client id and secret in the environment."""

    def configure(*prefixes: str):
        for prefix in ["GOOGLE", "MICROSOFT", "LINKEDIN", "FACEBOOK"]:
            monkeypatch.delenv(f"{prefix}_CLIENT_ID", raising=False)
        for prefix in prefixes:
            monkeypatch.setenv(f"{prefix}_CLIENT_ID", f"{prefix.lower()}-client-id")
            monkeypatch.setenv(f"{prefix}_CLIENT_SECRET", f"{prefix.lower()}-secret")
        settings.SOCIALACCOUNT_PROVIDERS = besace_settings._social_providers()

    return configure


@pytest.fixture
def servers(db, configure_providers, monkeypatch):
    configure_providers("GOOGLE", "MICROSOFT", "LINKEDIN", "FACEBOOK")
    fake = ProviderServers()
    monkeypatch.setattr(SocialAccountAdapter, "get_requests_session", lambda self: fake)
    return fake


def _sign_in_with(client, login_url: str, callback_url: str, **callback_params):
    """Click the provider's button, come back from the provider with a code; returns the last response."""
    to_provider = client.post(login_url, {"process": "login"})
    state = parse_qs(urlparse(to_provider.url).query)["state"][0]
    return client.get(callback_url, {"code": "code-from-provider", "state": state, **callback_params})


def google(client, servers, profile: dict):
    servers.answer("https://oauth2.googleapis.com/token", TOKEN)
    servers.answer("https://www.googleapis.com/oauth2/v2/userinfo", profile)
    return _sign_in_with(client, "/accounts/google/login/", "/accounts/google/login/callback/")


def linkedin(client, servers, userinfo: dict):
    servers.answer("https://www.linkedin.com/oauth/.well-known/openid-configuration", LINKEDIN_DISCOVERY)
    servers.answer(LINKEDIN_DISCOVERY["token_endpoint"], TOKEN)
    servers.answer(LINKEDIN_DISCOVERY["userinfo_endpoint"], userinfo)
    return _sign_in_with(client, "/accounts/oidc/linkedin/login/", "/accounts/oidc/linkedin/login/callback/")


def microsoft(client, servers, me: dict):
    servers.answer("https://login.microsoftonline.com/common/oauth2/v2.0/token", TOKEN)
    servers.answer("https://graph.microsoft.com/v1.0/me", me)
    return _sign_in_with(client, "/accounts/microsoft/login/", "/accounts/microsoft/login/callback/")


def facebook(client, servers, me: dict):
    servers.answer("https://graph.facebook.com/v19.0/oauth/access_token", TOKEN)
    servers.answer("https://graph.facebook.com/v19.0/me", me)
    return _sign_in_with(client, "/accounts/facebook/login/", "/accounts/facebook/login/callback/")


ADA_AT_GOOGLE = {
    "id": "g-1",
    "email": "Ada@Example.org",
    "verified_email": True,
    "given_name": "Ada",
    "family_name": "Lovelace",
}


# --- Which providers are offered ---


def test_it_configures_a_provider_only_when_its_client_id_is_set(configure_providers):
    configure_providers("GOOGLE", "LINKEDIN")

    providers = besace_settings._social_providers()

    assert set(providers) == {"google", "openid_connect"}
    assert providers["google"]["APPS"][0]["client_id"] == "google-client-id"
    assert providers["openid_connect"]["APPS"][0]["provider_id"] == "linkedin"


@pytest.mark.parametrize("page", ["/accounts/login/", "/accounts/signup/"])
def test_it_shows_only_the_configured_providers(client, db, configure_providers, page):
    configure_providers("GOOGLE", "LINKEDIN")

    html = client.get(page).content.decode()

    assert "Continue with Google" in html and "Continue with LinkedIn" in html
    assert "Microsoft" not in html and "Facebook" not in html


def test_it_shows_no_provider_when_none_is_configured(client, db, configure_providers):
    configure_providers()

    html = client.get("/accounts/login/").content.decode()

    assert "Continue with" not in html and "third-party" not in html


def test_it_answers_404_for_a_provider_that_is_not_configured(client, db, configure_providers):
    configure_providers("GOOGLE")

    assert client.post("/accounts/oidc/linkedin/login/").status_code == 404


# --- A new person ---


def test_it_signs_up_a_new_person_with_a_verified_google_address(client, servers):
    response = google(client, servers, ADA_AT_GOOGLE)

    ada = User.objects.get(email="ada@example.org")
    assert response.status_code == 302 and response.url == "/backpack/"
    assert client.session["_auth_user_id"] == str(ada.pk)
    assert (ada.first_name, ada.last_name, ada.has_usable_password()) == ("Ada", "Lovelace", False)
    assert list(EmailAddress.objects.filter(user=ada).values_list("email", "verified", "primary")) == [
        ("ada@example.org", True, True)
    ]
    assert SocialAccount.objects.get(user=ada).provider == "google"
    assert actions_for(ada) == ["account.signed_up", "account.login.succeeded"]


def test_it_asks_a_new_social_person_for_consent_before_anything_else(client, servers, settings):
    google(client, servers, ADA_AT_GOOGLE)
    ada = User.objects.get(email="ada@example.org")
    assert not DataProtectionConsent.objects.filter(user=ada).exists()

    response = client.get("/backpack/")

    assert response.status_code == 302 and response.url == "/accounts/consent/?next=%2Fbackpack%2F"
    accepted = client.post("/accounts/consent/", {"accept_data_protection": "on", "next": "/backpack/"})
    assert accepted.url == "/backpack/"
    consent = DataProtectionConsent.objects.get(user=ada)
    assert consent.version == settings.BESACE_DATA_PROTECTION_VERSION
    assert actions_for(ada) == ["account.signed_up", "account.login.succeeded", "account.consent.accepted"]
    assert client.get("/backpack/").status_code == 200


def test_it_signs_up_a_new_person_with_linkedin(client, servers):
    linkedin(
        client, servers, {"sub": "li-1", "email": "ada@example.org", "email_verified": True, "name": "Ada L"}
    )

    ada = User.objects.get(email="ada@example.org")
    assert SocialAccount.objects.get(user=ada).provider == "linkedin"
    assert EmailAddress.objects.get(user=ada).verified


@pytest.mark.parametrize("sign_in", [microsoft, facebook])
def test_it_verifies_by_code_an_address_the_provider_does_not_vouch_for(client, servers, mailoutbox, sign_in):
    # allauth trusts neither Microsoft's "mail" nor Facebook's e-mail to be verified.
    response = sign_in(client, servers, {"id": "x-1", "mail": "ada@example.org", "email": "ada@example.org"})

    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, "ada@example.org")})
    ada = User.objects.get(email="ada@example.org")
    assert client.session["_auth_user_id"] == str(ada.pk)
    assert EmailAddress.objects.get(user=ada).verified


def test_it_asks_for_the_address_and_the_consent_when_the_provider_gives_no_address(
    client, servers, mailoutbox
):
    response = facebook(client, servers, {"id": "fb-1", "name": "Ada Lovelace"})

    assert response.url == "/accounts/3rdparty/signup/"
    form = client.get(response.url).content.decode()
    assert 'name="accept_data_protection"' in form and 'href="/accounts/data-protection/"' in form
    refused = client.post(response.url, {"email": "ada@example.org"})
    assert "You must accept the data-protection statement to continue." in refused.content.decode()
    assert not User.objects.exists()

    client.post(response.url, {"email": "ada@example.org", "accept_data_protection": "on"})

    ada = User.objects.get(email="ada@example.org")
    assert DataProtectionConsent.objects.filter(user=ada).exists()
    assert mailoutbox[-1].to == ["ada@example.org"]  # and the address is verified by code
    assert actions_for(ada) == ["account.consent.accepted", "account.signed_up"]


# --- Someone who already has an account ---


def test_it_signs_into_the_account_with_the_same_verified_address(client, servers, make_user):
    ada = make_user("ada@example.org", password=PASSWORD)

    response = google(client, servers, ADA_AT_GOOGLE)  # "Ada@Example.org": the case does not matter

    assert response.url == "/backpack/"
    assert client.session["_auth_user_id"] == str(ada.pk)
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(provider="google").user == ada  # connected: next time by the uid
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)
    assert actions_for(ada)[-2:] == ["account.social.connected", "account.login.succeeded"]


def test_it_signs_into_the_account_by_a_secondary_verified_address(client, servers, make_user):
    ada = make_user("ada@example.org")
    EmailAddress.objects.create(user=ada, email="ada@work.example", verified=True)

    linkedin(client, servers, {"sub": "li-1", "email": "ADA@work.example", "email_verified": True})

    assert client.session["_auth_user_id"] == str(ada.pk)
    assert SocialAccount.objects.get(provider="linkedin").user == ada


def test_it_signs_in_again_by_the_connected_account_even_with_a_new_address(client, servers, make_user):
    ada = make_user("ada@example.org")
    google(client, servers, ADA_AT_GOOGLE)
    client.logout()

    google(client, servers, {**ADA_AT_GOOGLE, "email": "lovelace@gmail.example"})

    assert client.session["_auth_user_id"] == str(ada.pk)
    assert actions_for(ada).count("account.social.connected") == 1


def test_it_does_not_sign_in_by_an_address_the_provider_does_not_vouch_for(client, servers, make_user):
    make_user("ada@example.org", password=PASSWORD)

    microsoft(client, servers, {"id": "ms-1", "mail": "ada@example.org"})

    # Neither signed in nor a second account: allauth e-mails the owner that an account exists.
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 1
    assert not SocialAccount.objects.exists()


def test_it_locks_out_whoever_made_an_account_with_an_address_they_never_verified(
    client, servers, make_user, mailoutbox
):
    # allauth's guard: the provider vouches for the address, the password was set by someone unknown.
    squatter_made = make_user("ada@example.org", password=PASSWORD, verified=False)

    response = google(client, servers, ADA_AT_GOOGLE)

    squatter_made.refresh_from_db()
    assert not squatter_made.has_usable_password()
    # allauth does not record the provider's word on the address: it is verified by code, as any other.
    assert response.url == "/accounts/confirm-email/"
    client.post("/accounts/confirm-email/", {"code": last_code(mailoutbox, "ada@example.org")})
    assert client.session["_auth_user_id"] == str(squatter_made.pk)


# --- Things going wrong at the provider ---


def test_it_shows_an_error_page_when_the_person_cancels_at_the_provider(client, servers):
    to_provider = client.post("/accounts/google/login/", {"process": "login"})
    state = parse_qs(urlparse(to_provider.url).query)["state"][0]

    response = client.get(
        "/accounts/google/login/callback/", {"error": "access_denied", "state": state}, follow=True
    )

    assert response.redirect_chain == [("/accounts/3rdparty/login/cancelled/", 302)]
    assert "cancel" in response.content.decode().lower()
    assert not User.objects.exists()


def test_it_shows_an_error_page_when_the_provider_refuses_the_code(client, servers):
    servers.answer("https://oauth2.googleapis.com/token", {"error": "invalid_grant"}, status=400)

    response = _sign_in_with(client, "/accounts/google/login/", "/accounts/google/login/callback/")

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert not User.objects.exists()


def test_it_refuses_a_callback_with_a_forged_state(client, servers):
    servers.answer("https://oauth2.googleapis.com/token", TOKEN)
    servers.answer("https://www.googleapis.com/oauth2/v2/userinfo", ADA_AT_GOOGLE)
    client.post("/accounts/google/login/", {"process": "login"})

    response = client.get("/accounts/google/login/callback/", {"code": "x", "state": "forged"})

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert not User.objects.exists()


def test_it_audits_the_provider_of_a_social_signup(client, servers):
    from besace.core.models import AuditEntry

    linkedin(client, servers, {"sub": "li-1", "email": "ada@example.org", "email_verified": True})

    assert AuditEntry.objects.get(action="account.signed_up").data == {"provider": "linkedin"}


def test_it_disconnects_a_provider_and_audits_it(client, servers, make_user):
    ada = make_user("ada@example.org", password=PASSWORD)
    google(client, servers, ADA_AT_GOOGLE)
    account = SocialAccount.objects.get(user=ada)

    client.post("/accounts/3rdparty/", {"account": account.pk})

    assert not SocialAccount.objects.exists()
    assert actions_for(ada)[-1] == "account.social.disconnected"


def test_it_remembers_the_language_a_social_signup_arrived_in(client, servers):
    client.cookies["django_language"] = "fr"

    google(client, servers, ADA_AT_GOOGLE)

    assert User.objects.get(email="ada@example.org").language == "fr"
