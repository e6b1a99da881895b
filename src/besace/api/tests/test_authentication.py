"""/v2/ answers only to a valid, unexpired, unrevoked bearer token, with Badgr's envelope on refusal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from besace.api.models import ApiToken


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}, {"HTTP_AUTHORIZATION": "Basic ZWFybmVyOng="}],
    ids=["missing", "invalid", "not-bearer"],
)
def test_it_refuses_requests_without_a_valid_bearer(moodle, earner, headers):
    response = moodle.get("/v2/backpack/collections", **headers)
    assert response.status_code == 401
    assert response.json()["status"]["success"] is False
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_an_expired_token(moodle, bearer):
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert moodle.get("/v2/backpack/collections", **bearer).status_code == 401


def test_it_refuses_a_revoked_token(moodle, bearer):
    ApiToken.objects.update(revoked_at=timezone.now())
    assert moodle.get("/v2/users/self", **bearer).status_code == 401


def test_it_refuses_a_deactivated_account(moodle, bearer, earner):
    earner.is_active = False
    earner.save()
    assert moodle.get("/v2/users/self", **bearer).status_code == 401


def test_a_browser_session_is_not_enough(client, earner):
    client.force_login(earner)
    assert client.get("/v2/users/self").status_code == 401
