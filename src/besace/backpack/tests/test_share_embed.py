"""The embeddable card of a badge: framable by any site, for public badges only; other pages refuse frames."""

import pytest

from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.issuing.services import assertion_revoke


def test_it_can_be_framed_and_shows_the_badge_and_its_verdict(client, kept, badge_class):
    entry = kept("public")
    response = client.get(f"/badges/{entry.public_id}/embed")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert badge_class.name in page and "Université Test" in page and "Verified:" in page
    assert f'href="http://testserver/badges/{entry.public_id}/" target="_blank"' in page
    assert f'src="{badge_class.image_url}"' in page
    assert "<script" not in page and "<form" not in page


@pytest.mark.parametrize("visibility", ["private", "signed_in"])
def test_it_is_not_found_for_a_badge_anonymous_visitors_cannot_see(client, kept, earner, visibility):
    entry = kept(visibility)
    assert client.get(f"/badges/{entry.public_id}/embed").status_code == 404
    client.force_login(earner)  # even its owner's browser: a frame on another site must not show more
    assert client.get(f"/badges/{entry.public_id}/embed").status_code == 404


def test_it_is_not_found_for_a_revoked_badge(client, kept, imported, owner):
    award = kept("public")
    assertion_revoke(assertion=award.assertion, reason="Mistake", actor=owner)
    assert client.get(f"/badges/{award.public_id}/embed").status_code == 404
    assert client.get(f"/badges/{imported('public', revoked=True).public_id}/embed").status_code == 404
    assert client.get("/badges/NoSuchBadgeAtAll0000000/embed").status_code == 404


def test_other_pages_still_refuse_to_be_framed(client, kept, earner):
    entry = kept("public")
    assert client.get(f"/badges/{entry.public_id}/")["X-Frame-Options"] == "DENY"
    client.force_login(earner)
    assert client.get(f"/backpack/badges/{entry.public_id}/")["X-Frame-Options"] == "DENY"


def test_it_shows_the_earner_name_only_when_chosen(client, kept):
    entry = kept("public", name="Ada Lovelace")
    assert "Ada Lovelace" not in client.get(f"/badges/{entry.public_id}/embed").content.decode()
    entry.earner_name = "shown"
    entry.save(update_fields=["earner_name"])
    assert "Ada Lovelace" in client.get(f"/badges/{entry.public_id}/embed").content.decode()
