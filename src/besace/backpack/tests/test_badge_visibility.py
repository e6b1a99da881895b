"""Who sees a backpack badge: the access policy, the visibility control and the badge's share link."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from besace import access
from besace.backpack.models import BackpackBadge
from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.core.audit import audit_entries_for
from besace.issuing import services as issuing_services

VISIBLE = {
    # viewer: the visibilities that let them see a badge that is not theirs (never when revoked)
    "owner": {"private", "signed_in", "public"},
    "other": {"signed_in", "public"},
    "anonymous": {"public"},
}


@pytest.fixture
def viewer(request, earner, outsider):
    return {"owner": earner, "other": outsider, "anonymous": None}[request.param]


def _revoke(entry: BackpackBadge) -> None:
    if entry.assertion_id:
        issuing_services.assertion_revoke(assertion=entry.assertion, reason="Mistake", actor=None)
        entry.assertion.refresh_from_db()
    else:
        BackpackBadge.objects.filter(pk=entry.pk).update(revoked=True)
        entry.refresh_from_db()


@pytest.mark.parametrize("revoked", [False, True], ids=["live", "revoked"])
@pytest.mark.parametrize("visibility", ["private", "signed_in", "public"])
@pytest.mark.parametrize("source", ["award", "import"])
@pytest.mark.parametrize("viewer", ["owner", "other", "anonymous"], indirect=True)
def test_it_applies_the_policy_matrix_in_code_in_querysets_and_on_the_share_page(
    request, client, kept, imported, viewer, visibility, revoked, source
):
    entry = kept(visibility) if source == "award" else imported(visibility)
    if revoked:
        _revoke(entry)
    role = request.node.callspec.params["viewer"]
    expected = role == "owner" or (not revoked and visibility in VISIBLE[role])

    assert access.badge_visible_to(viewer, entry) is expected
    if viewer is None:
        assert access.badge_visible_to(AnonymousUser(), entry) is expected
    assert access.badges_visible_to(viewer).filter(pk=entry.pk).exists() is expected
    assert access.badges_visible_to(viewer, BackpackBadge.objects.filter(pk=entry.pk)).exists() is expected

    if viewer is not None:
        client.force_login(viewer)
    response = client.get(reverse("share:badge", args=[entry.public_id]))
    assert response.status_code == (200 if expected else 404)
    if expected:
        assert entry.name in response.content.decode()


def _page_told(response, path: str) -> str:
    """The page, but for what the 404 page repeats of the request: its path (in the language switcher) and
    a CSRF token (masked afresh in every response)."""
    page = response.content.decode().replace(path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)


def test_it_answers_the_same_404_for_a_private_badge_and_no_badge(client, kept):
    entry = kept("private")
    hidden_path, missing_path = f"/badges/{entry.public_id}/", "/badges/NoSuchBadgeAtAll0000000/"
    hidden, missing = client.get(hidden_path), client.get(missing_path)
    assert hidden.status_code == missing.status_code == 404
    assert _page_told(hidden, hidden_path) == _page_told(missing, missing_path)


def test_it_shows_others_what_the_badge_says_and_its_verification(client, kept, badge_class, issuer):
    entry = kept("public", name="Ada Lovelace", narrative="Wrote the first program.")
    entry.earner_name = "shown"  # hidden unless the earner chooses (test_share_page.py)
    entry.save(update_fields=["earner_name"])
    page = client.get(f"/badges/{entry.public_id}/").content.decode()
    assert badge_class.name in page and issuer.name in page and badge_class.description in page
    assert "Wrote the first program." in page and "Ada Lovelace" in page
    assert "Verified: awarded by" in page
    assert entry.assertion.public_url in page
    assert "earner@example.org" not in page  # the recipient's address is not shown
    assert reverse("backpack:badge_visibility", args=[entry.public_id]) not in page  # no owner controls


def test_it_shows_an_imported_badge_with_its_checks_and_image(client, imported):
    entry = imported("public")
    page = client.get(f"/badges/{entry.public_id}/").content.decode()
    assert entry.name in page and "Elsewhere" in page
    assert "Well formed." in page and "Verified: every check passed" in page
    image = client.get(reverse("share:badge_image", args=[entry.public_id]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Cache-Control"] == "private, no-cache"


def test_it_hides_the_image_of_an_imported_badge_as_it_hides_the_badge(client, imported):
    entry = imported("signed_in")
    assert client.get(reverse("share:badge_image", args=[entry.public_id])).status_code == 404


def test_it_keeps_a_revoked_public_badge_from_others_but_shows_it_to_its_owner(client, login, earner, kept):
    entry = kept("public")
    _revoke(entry)
    assert client.get(f"/badges/{entry.public_id}/").status_code == 404
    page = login(earner).get(f"/badges/{entry.public_id}/").content.decode()
    assert "This badge was revoked by its issuer." in page and "Only you can see this page." in page


def test_it_sets_the_visibility_from_the_badge_page_in_one_submit_and_audits_it(login, earner, kept):
    entry = kept()
    client = login(earner)
    page = client.get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    for value, label in (("private", "Private"), ("signed_in", "Signed-in users"), ("public", "Public")):
        assert f'name="visibility" value="{value}"' in page and label in page
    assert f'href="/badges/{entry.public_id}/"' not in page and "Share link" not in page  # private: none

    response = client.post(
        reverse("backpack:badge_visibility", args=[entry.public_id]), {"visibility": "public"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.visibility == "public"
    (audit,) = audit_entries_for(entry).filter(action="backpack.badge.visibility")
    assert audit.actor == earner and audit.data == {"previous": "private", "visibility": "public"}
    page = client.get(response["Location"]).content.decode()
    assert "Share link" in page and f'href="/badges/{entry.public_id}/"' in page


def test_it_refuses_an_unknown_visibility(login, earner, kept):
    entry = kept()
    login(earner).post(
        reverse("backpack:badge_visibility", args=[entry.public_id]), {"visibility": "everyone"}
    )
    entry.refresh_from_db()
    assert entry.visibility == "private" and not audit_entries_for(entry).exists()


def test_it_lets_only_the_owner_change_the_visibility(client, login, outsider, kept):
    entry = kept()
    url = reverse("backpack:badge_visibility", args=[entry.public_id])
    assert login(outsider).post(url, {"visibility": "public"}).status_code == 404
    assert login(outsider).get(url).status_code == 405
    entry.refresh_from_db()
    assert entry.visibility == "private"


def test_it_shows_the_share_link_on_an_imported_badge_page_too(login, earner, imported):
    entry = imported("signed_in")
    page = login(earner).get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    assert f'href="/badges/{entry.public_id}/"' in page and "Share link" in page


def test_it_speaks_the_glossarys_french(login, earner, kept):
    entry = kept()
    url = reverse("backpack:badge", args=[entry.public_id])
    page = login(earner).get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    glossary = (
        "Visibilité du badge",
        "Privé",
        "Utilisateurs connectés",
        "Public",
        "Mes preuves",
        "Collections",
    )
    assert all(text in page for text in glossary)
