"""The error pages (400, 403, 404, 413, 500) are Besace's, in the visitor's language, instead of Django's
bare English ones."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture
def french_request():
    request = RequestFactory().get("/somewhere/", **FRENCH)
    request.user = AnonymousUser()
    with translation.override("fr"):
        yield request


def test_a_missing_page_says_so_in_french(client, db):
    response = client.get("/no/such/page/", **FRENCH)
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr">' in page and "<h1>Page introuvable</h1>" in page
    assert "Retour à l’accueil" in page and "Not Found" not in page


def test_a_forbidden_action_says_so_in_french(french_request, db):
    response = defaults.permission_denied(french_request, PermissionDenied("internal detail"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Action non autorisée</h1>" in page and "internal detail" not in page


def test_a_server_error_says_so_in_french(french_request):
    response = defaults.server_error(french_request)
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr">' in page and "<h1>Une erreur est survenue</h1>" in page
    assert "Server Error" not in page


@pytest.mark.parametrize(
    ("data", "status", "french"),
    [
        ({"text": "x" * (2 * 1024 * 1024)}, 413, "Ce que vous avez envoyé est trop volumineux"),
        ({f"field{i}": "x" for i in range(20)}, 413, "Ce que vous avez envoyé est trop volumineux"),
    ],
)
def test_a_refused_request_says_so_in_french(client, db, settings, data, status, french):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/verify/", data, **FRENCH)
    assert response.status_code == status
    assert french in response.content.decode()
