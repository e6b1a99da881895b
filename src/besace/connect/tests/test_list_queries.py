"""Every list the APIs answer costs the same number of queries for 2 items as for 10: no query per row.

Moodle and Badge Connect clients page through whole backpacks and award lists; a query per badge would
make a big backpack slow for everyone (issue 6).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from besace.backpack.services import assertion_accept
from besace.connect.scopes import OB21_SCOPES, OB30_SCOPES
from besace.issuing import services

from .conftest import bearer

PASSWORD = "correct horse battery"  # make_user's default


def _badgr_token(username: str) -> dict:
    response = Client().post("/o/token", {"username": username, "password": PASSWORD})
    return bearer(response.json()["access_token"])


def _queries(client, url: str, headers: dict) -> int:
    client.get(url, **headers)  # what is made on first use (an issuer's signing key) is made here
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.fixture
def more_badges(award, badge_class, earner):
    """Awards `count` more badges of `badge_class`, accepted into the earner's backpack."""

    def make(count: int) -> None:
        for _ in range(count):
            assertion_accept(assertion=award(earner.email, badge_class=badge_class), user=earner)

    return make


@pytest.mark.parametrize("path", ["/v2/backpack/assertions", "/v2/backpack/collections"])
def test_badgr_backpack_lists_do_not_grow_with_the_backpack(earner, more_badges, path):
    token = _badgr_token(earner.email)
    client = Client()
    more_badges(2)
    few = _queries(client, path, token)
    more_badges(8)
    assert _queries(client, path, token) == few


def test_badgr_issuer_lists_do_not_grow_with_issuers_badges_or_awards(owner, issuer, badge_class, award):
    token = _badgr_token(owner.email)
    client = Client()
    paths = [
        "/v2/issuers",
        "/v2/badgeclasses",
        f"/v2/issuers/{issuer.public_id}/badgeclasses",
        f"/v2/badgeclasses/{badge_class.public_id}/assertions",
    ]
    award()
    award()
    few = {path: _queries(client, path, token) for path in paths}
    for n in range(4):
        other = services.issuer_create(
            owner=owner, name=f"Issuer {n}", url="https://other.example", email="b@other.example"
        )
        services.badge_class_create(
            issuer=other,
            actor=owner,
            name=f"Badge {n}",
            description="d",
            criteria_text="c",
            image=badge_class.image,
            tags=["t"],
        )
        award(f"p{n}@example.org")
        award(f"q{n}@example.org")
    assert {path: _queries(client, path, token) for path in paths} == few


@pytest.mark.parametrize(
    ("path", "scopes"),
    [("/ims/ob/v2p1/assertions", OB21_SCOPES), ("/ims/ob/v3p0/credentials", OB30_SCOPES)],
)
def test_badge_connect_and_ob3_lists_do_not_grow_with_the_backpack(
    connect_app, app_client, earner, more_badges, path, scopes
):
    token = bearer(connect_app(earner, scope=" ".join(scopes)).access_token)
    more_badges(2)
    few = _queries(app_client, path, token)
    more_badges(8)
    assert _queries(app_client, path, token) == few
