"""Every JSON API of Besace, fuzzed from its own OpenAPI document with schemathesis: no 5xx, and every
answer matches the document (status code, content type, body schema).

Requests are authenticated as a real user with a live token where the API needs one, so the fuzz
reaches the endpoints' code and not only the 401 path. Name lookups fail as on an offline machine:
URLs in generated bodies are refused by the fetcher, they never reach the network.
"""

import socket
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import timezone
from hypothesis import HealthCheck, settings
from oauth2_provider.models import AccessToken, Application
from schemathesis.checks import positive_data_acceptance

from besace.api.models import ApiToken
from besace.api.tokens import token_hash
from besace.backpack.organise import collection_badge_add, collection_create
from besace.backpack.services import assertion_accept
from besace.connect.scopes import ALL_SCOPES

# One entry per django-ninja API: its URL namespace. test_every_api_is_fuzzed keeps this list whole.
FUZZED_APIS = ["api", "badgr", "ob21", "ob30"]
EXAMPLES_PER_OPERATION = 100
# Not checked: that every schema-valid request succeeds. A well-formed badge that does not verify, or a
# URL that does not answer, is rightly a 400 with its reason; the schema cannot say which badges are real.


def _openapi_namespaces() -> set[str]:
    found = set()
    for namespace in get_resolver().namespace_dict:
        try:
            reverse(f"{namespace}:openapi-json")
        except NoReverseMatch:
            continue
        found.add(namespace)
    return found


def test_every_api_is_fuzzed():
    assert set(FUZZED_APIS) == _openapi_namespaces()


@pytest.fixture
def test_connection_kept():
    """Django closes "obsolete" database connections when a request ends; the test's transaction looks
    obsolete to it (PostgreSQL). The test client unhooks this; schemathesis calls the WSGI app directly."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "no network in the fuzz")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)


FUZZ_TOKEN = "fuzz-access-token"


def _badgr_token(user) -> None:
    ApiToken.objects.create(
        user=user,
        access_hash=token_hash(FUZZ_TOKEN),
        refresh_hash=token_hash("fuzz-refresh-token"),
        expires_at=timezone.now() + timedelta(hours=1),
    )


def _oauth_token(user) -> None:
    """An OAuth2 token of a connected app, with every scope (Badge Connect and the OB 3.0 API)."""
    app = Application.objects.create(
        name="Fuzz",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://app.example/callback",
    )
    AccessToken.objects.create(
        user=user,
        application=app,
        token=FUZZ_TOKEN,
        scope=" ".join(ALL_SCOPES),
        expires=timezone.now() + timedelta(hours=1),
    )


# How each API that needs a bearer token gets FUZZ_TOKEN recognised as the fuzzing user's.
TOKEN_MAKERS = {"badgr": _badgr_token, "oauth": _oauth_token}
TOKEN_OF_API = {"badgr": "badgr", "ob21": "oauth", "ob30": "oauth"}


@pytest.fixture
def fuzz_user(make_user, award):
    """A user with a badge in a collection, so that answers carry real objects to check against the schema."""
    user = make_user("fuzz@example.org")
    badge = assertion_accept(assertion=award("fuzz@example.org"), user=user)
    collection = collection_create(owner=user, name="Fuzz")
    collection_badge_add(collection=collection, entry=badge, actor=user)
    for make_token in TOKEN_MAKERS.values():
        make_token(user)
    return user
    for make_token in TOKEN_MAKERS.values():
        make_token(user)


def _fuzz_test(namespace: str):
    schema = schemathesis.openapi.from_wsgi(reverse(f"{namespace}:openapi-json"), get_wsgi_application())
    if namespace in TOKEN_OF_API:
        # Schemathesis also sends each request without it, and with a wrong one: both must get a 401.
        @schema.auth(refresh_interval=None)
        class BearerAuth:
            def get(self, case, context):
                return FUZZ_TOKEN

            def set(self, case, token, context):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    @pytest.mark.django_db
    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def test(case, offline, fuzz_user, test_connection_kept):
        # A made-up Host header is refused by Django's ALLOWED_HOSTS check (an HTML 400) before any API code.
        case.headers = {name: value for name, value in (case.headers or {}).items() if name.lower() != "host"}
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    return test


# One test per API: pytest collects module globals named test_*.
for _namespace in FUZZED_APIS:
    globals()[f"test_{_namespace}_api_never_fails_and_matches_its_document"] = _fuzz_test(_namespace)


@pytest.mark.parametrize("path", ["/v2/users/self", "/ims/ob/v2p1/profile", "/ims/ob/v3p0/profile"])
def test_the_fuzz_token_opens_each_api(client, fuzz_user, path):
    """Else the fuzz would only ever meet 401s."""
    assert client.get(path, headers={"Authorization": f"Bearer {FUZZ_TOKEN}"}).status_code == 200
