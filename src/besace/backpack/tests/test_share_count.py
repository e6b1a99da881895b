"""The share buttons go through Besace, which notes (once) that the earner shared the badge."""

import pytest
from django.urls import reverse

from besace.backpack import sharing
from besace.backpack.models import Visibility
from besace.backpack.tests.organise_fixtures import kept_fixture  # noqa: F401
from besace.core.audit import audit_entries_for


def _share(client, entry, network="linkedin-profile", **headers):
    return client.get(reverse("share:badge_share_to", args=[entry.public_id, network]), headers=headers)


def test_a_share_button_notes_the_share_once_audits_each_and_leads_on(client, kept, earner):
    entry = kept(Visibility.PUBLIC)
    client.force_login(earner)

    first = _share(client, entry, Sec_Fetch_Site="same-origin")
    _share(client, entry, "x")

    assert first.status_code == 302 and first.url == sharing.linkedin_add_to_profile_url(entry)
    entry.refresh_from_db()
    shared_at = entry.shared_at
    assert shared_at is not None
    audits = audit_entries_for(entry).filter(action="backpack.badge.shared").order_by("pk")
    assert [audit.data["network"] for audit in audits] == ["linkedin-profile", "x"]
    assert {audit.actor for audit in audits} == {earner}
    entry.refresh_from_db()
    assert entry.shared_at == shared_at  # the first share stays the date


def test_a_link_from_another_site_leads_on_but_counts_nothing(client, kept, earner):
    entry = kept(Visibility.PUBLIC)
    client.force_login(earner)
    response = _share(client, entry, Sec_Fetch_Site="cross-site")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.shared_at is None and not audit_entries_for(entry).filter(action="backpack.badge.shared")


@pytest.mark.parametrize("network", ["email", "myspace"])
def test_nothing_is_shared_to_an_unknown_place(client, kept, earner, network):
    entry = kept(Visibility.PUBLIC)
    client.force_login(earner)
    assert _share(client, entry, network).status_code == 404
    entry.refresh_from_db()
    assert entry.shared_at is None


def test_a_badge_made_private_since_goes_back_to_its_share_panel_unshared(client, kept, earner):
    entry = kept(Visibility.PRIVATE)
    client.force_login(earner)
    response = _share(client, entry)
    assert response.url == reverse("backpack:badge", args=[entry.public_id]) + "#share"
    entry.refresh_from_db()
    assert entry.shared_at is None


def test_only_the_owner_shares_a_badge(client, kept, outsider):
    entry = kept(Visibility.PUBLIC)
    assert _share(client, entry).status_code == 302  # to the login page
    client.force_login(outsider)
    assert _share(client, entry).status_code == 404
    entry.refresh_from_db()
    assert entry.shared_at is None
