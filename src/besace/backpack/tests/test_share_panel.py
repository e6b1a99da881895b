"""The owner's share panel: links only for a badge anonymous visitors may see, else a step to make it public;
the choice of how the earner's name appears."""

import html

import pytest

from besace.backpack import sharing
from besace.backpack.models import BackpackBadge, EarnerName, Visibility
from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.core.audit import audit_entries_for
from besace.issuing.services import assertion_revoke

PAGES = {"backpack": "/backpack/badges/{}/", "public": "/badges/{}/"}


def _panel(client, entry: BackpackBadge, page: str = "backpack") -> str:
    text = client.get(PAGES[page].format(entry.public_id)).content.decode()
    return text[text.index('<section id="share"') :]


def _make_public_url(entry):
    return f"/badges/{entry.public_id}/make-public/"


@pytest.mark.parametrize("page", ["backpack", "public"])
@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SIGNED_IN])
def test_it_asks_to_make_a_badge_public_first_then_shows_the_links(client, kept, earner, visibility, page):
    entry = kept(visibility)
    client.force_login(earner)
    panel = _panel(client, entry, page)
    assert "Make it public and share it" in panel
    assert "linkedin.com" not in panel and "x.com" not in panel and sharing.share_url(entry) not in panel

    response = client.post(_make_public_url(entry), {"from": page})
    assert response.status_code == 302
    assert response.url == PAGES[page].format(entry.public_id) + "#share"
    entry.refresh_from_db()
    assert entry.visibility == Visibility.PUBLIC
    [audit] = audit_entries_for(entry).filter(action="backpack.badge.visibility")
    assert audit.data == {"previous": visibility, "visibility": "public"} and audit.actor == earner

    panel = html.unescape(_panel(client, entry, page))
    assert "Make it public and share it" not in panel
    assert (
        'id="linkedin-add-to-profile" href="{}"'.format(sharing.share_button_url(entry, "linkedin-profile"))
        in panel
    )
    assert sharing.share_links(entry)["email"] in panel
    for network, target in sharing.share_targets(entry).items():  # through Besace, which counts the share
        assert sharing.share_button_url(entry, network) in panel
        assert client.get(sharing.share_button_url(entry, network)).url == target
    assert sharing.embed_iframe_code(entry) in panel and sharing.static_html_code(entry) in panel
    assert 'id="linkedin-certId"' in panel and entry.assertion.public_url in panel  # copy fallback


def test_it_offers_nothing_to_share_for_a_revoked_badge(client, kept, earner, owner):
    entry = kept("public")
    assertion_revoke(assertion=entry.assertion, reason="Mistake", actor=owner)
    client.force_login(earner)
    panel = _panel(client, entry)
    assert "A revoked badge cannot be shared." in panel
    assert "Make it public" not in panel and "linkedin.com" not in panel
    client.post(_make_public_url(entry))
    entry.refresh_from_db()
    assert not audit_entries_for(entry).filter(action="backpack.badge.visibility").exists()


def test_others_never_see_the_panel_nor_change_the_badge(client, kept, outsider):
    entry = kept("public")
    page = client.get(f"/badges/{entry.public_id}/").content.decode()
    assert 'id="share"' not in page and "linkedin.com/profile/add" not in page
    client.force_login(outsider)
    assert 'id="share"' not in client.get(f"/badges/{entry.public_id}/").content.decode()
    private = kept("private")
    assert client.post(_make_public_url(private)).status_code == 404
    assert (
        client.post(f"/badges/{private.public_id}/earner-name/", {"earner_name": "shown"}).status_code == 404
    )
    private.refresh_from_db()
    assert private.visibility == Visibility.PRIVATE and private.earner_name == EarnerName.HIDDEN


def test_owner_actions_need_a_signed_in_post(client, kept, earner):
    entry = kept("private")
    assert client.post(_make_public_url(entry)).status_code == 302  # to the login page
    client.force_login(earner)
    assert client.get(_make_public_url(entry)).status_code == 405
    entry.refresh_from_db()
    assert entry.visibility == Visibility.PRIVATE


def test_the_earner_chooses_how_their_name_appears(client, kept, earner):
    entry = kept("public", name="Ada Lovelace")
    client.force_login(earner)
    panel = _panel(client, entry)
    assert 'name="earner_name" value="hidden" checked' in panel

    response = client.post(
        f"/badges/{entry.public_id}/earner-name/", {"earner_name": "linked", "from": "public"}
    )
    assert response.url == f"/badges/{entry.public_id}/#earner-name"
    entry.refresh_from_db()
    assert entry.earner_name == EarnerName.LINKED
    [audit] = audit_entries_for(entry).filter(action="backpack.badge.earner_name")
    assert audit.data == {"previous": "hidden", "choice": "linked"}

    response = client.post(
        f"/badges/{entry.public_id}/earner-name/", {"earner_name": "everyone"}, follow=True
    )
    assert "Choose how your name appears." in response.content.decode()
    entry.refresh_from_db()
    assert entry.earner_name == EarnerName.LINKED


def test_the_copy_buttons_come_from_a_static_script_and_wait_for_it(client, kept, earner):
    client.force_login(earner)
    panel = _panel(client, kept("public"))
    assert '<script src="/static/backpack/share.js" defer></script>' in panel
    assert "<script>" not in panel  # no inline script: a CSP without 'unsafe-inline' holds
    assert 'data-copy="share-link" hidden' in panel  # useless without JavaScript, so hidden until it runs


def test_an_imported_badge_is_shared_the_same_way(client, imported, earner):
    entry = imported("private", name="Secourisme")
    client.force_login(earner)
    client.post(_make_public_url(entry))
    panel = html.unescape(_panel(client, entry))
    assert sharing.share_button_url(entry, "linkedin-profile") in panel
    linkedin = client.get(sharing.share_button_url(entry, "linkedin-profile"))
    assert linkedin.url == sharing.linkedin_add_to_profile_url(entry)
    assert f'<img src="http://testserver/badges/{entry.public_id}/image"' in panel  # the plain HTML snippet
