"""Badges a connected app sends: added directly, or pending until the earner accepts them (a setting)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from besace import access
from besace.backpack import imports
from besace.backpack.models import BackpackBadge, Visibility
from besace.backpack.organise import collection_badge_add, collection_create
from besace.core.audit import audit_entries_for
from besace.core.models import AuditEntry
from besace.openbadges.verify.verifier import BadgeInput
from besace.testing.client_fetcher import ClientFetcher

APP = "Moodle of Université Test"


@pytest.fixture
def fetcher(settings):
    return ClientFetcher(settings.BESACE_BASE_URL)


@pytest.fixture
def cautious(earner):
    earner.pushed_badges = earner.PushedBadges.ASK
    earner.save(update_fields=["pushed_badges"])
    return earner


def _push(user, assertion, fetcher, pushed_by=APP) -> BackpackBadge:
    return imports.badge_import(
        user=user, source=BadgeInput(url=assertion.public_url), fetcher=fetcher, pushed_by=pushed_by
    )


def test_by_default_a_pushed_badge_goes_straight_into_the_backpack(client, earner, award, fetcher):
    assert earner.pushed_badges == "add"
    entry = _push(earner, award("earner@example.org"), fetcher)
    assert (entry.state, entry.pushed_by, entry.visibility) == ("accepted", APP, "private")
    audit = audit_entries_for(entry).get(action="backpack.badge.imported")
    assert audit.data["pushed_by"] == APP and audit.data["state"] == "accepted"
    client.force_login(earner)
    home = client.get(reverse("backpack:home")).content.decode()
    assert reverse("backpack:badge", args=[entry.public_id]) in home
    assert reverse("backpack:pushed_accept", args=[entry.public_id]) not in home


def test_an_import_by_the_earner_is_never_pending(cautious, award, fetcher):
    entry = _push(cautious, award("earner@example.org"), fetcher, pushed_by=None)
    assert (entry.state, entry.pushed_by) == ("accepted", "")


def test_asking_first_keeps_a_pushed_badge_pending_and_out_of_my_badges(client, cautious, award, fetcher):
    entry = _push(cautious, award("earner@example.org"), fetcher)
    assert (entry.state, entry.pushed_by, entry.visibility) == ("pending", APP, "private")
    client.force_login(cautious)
    home = client.get(reverse("backpack:home")).content.decode()
    pending, _sep, kept = home.partition("<h1>My badges</h1>")
    assert entry.name in pending and f"Sent by {APP}" in pending
    assert reverse("backpack:pushed_accept", args=[entry.public_id]) in pending
    assert entry.name not in kept and "No badge yet" in kept
    # Its image shows in the pending list; its page and organising controls do not exist yet.
    assert client.get(reverse("backpack:image", args=[entry.public_id])).status_code == 200
    assert client.get(reverse("backpack:badge", args=[entry.public_id])).status_code == 404
    visibility = client.post(
        reverse("backpack:badge_visibility", args=[entry.public_id]), {"visibility": "public"}
    )
    assert visibility.status_code == 404
    entry.refresh_from_db()
    assert entry.visibility == "private"


def test_accepting_puts_it_in_the_backpack(client, cautious, award, fetcher):
    entry = _push(cautious, award("earner@example.org"), fetcher)
    client.force_login(cautious)
    response = client.post(reverse("backpack:pushed_accept", args=[entry.public_id]))
    assert response.status_code == 302 and response.url == reverse("backpack:badge", args=[entry.public_id])
    entry.refresh_from_db()
    assert entry.state == "accepted" and entry.visibility == "private"
    audit = audit_entries_for(entry).get(action="backpack.badge.push_accepted")
    assert audit.actor == cautious and audit.data["pushed_by"] == APP
    assert client.get(reverse("backpack:badge", args=[entry.public_id])).status_code == 200
    # Once decided, there is nothing left to accept or decline.
    assert client.post(reverse("backpack:pushed_decline", args=[entry.public_id])).status_code == 404
    assert BackpackBadge.objects.filter(pk=entry.pk).exists()


def test_declining_deletes_it_and_the_audit_remembers(client, cautious, award, fetcher):
    assertion = award("earner@example.org")
    entry = _push(cautious, assertion, fetcher)
    client.force_login(cautious)
    response = client.post(reverse("backpack:pushed_decline", args=[entry.public_id]))
    assert response.status_code == 302 and response.url == reverse("backpack:home")
    assert not BackpackBadge.objects.filter(pk=entry.pk).exists()
    audit = AuditEntry.objects.get(action="backpack.badge.push_declined", target_id=str(entry.pk))
    assert audit.actor == cautious
    assert audit.data == {"pushed_by": APP, "badge_id": assertion.public_url, "name": entry.name}
    # Declined is not banned: the app may send it again.
    assert _push(cautious, assertion, fetcher).state == "pending"


def test_only_its_owner_accepts_or_declines(client, cautious, award, fetcher, outsider):
    entry = _push(cautious, award("earner@example.org"), fetcher)
    client.force_login(outsider)
    assert client.post(reverse("backpack:pushed_accept", args=[entry.public_id])).status_code == 404
    assert client.post(reverse("backpack:pushed_decline", args=[entry.public_id])).status_code == 404
    assert client.get(reverse("backpack:image", args=[entry.public_id])).status_code == 404
    entry.refresh_from_db()
    assert entry.state == "pending"


def test_importing_it_yourself_accepts_a_pending_badge(cautious, award, fetcher):
    assertion = award("earner@example.org")
    pending = _push(cautious, assertion, fetcher)
    entry = _push(cautious, assertion, fetcher, pushed_by=None)
    assert entry.pk == pending.pk and entry.state == "accepted"
    with pytest.raises(imports.AlreadyInBackpack):
        _push(cautious, assertion, fetcher)


def test_a_pending_badge_is_never_shown_to_anyone_else(client, cautious, award, fetcher, outsider):
    entry = _push(cautious, award("earner@example.org"), fetcher)
    # Even if it were made public (and put in a public collection) before being accepted.
    BackpackBadge.objects.filter(pk=entry.pk).update(visibility=Visibility.PUBLIC)
    entry.refresh_from_db()
    collection = collection_create(owner=cautious, name="Showcase", visibility=Visibility.PUBLIC)
    collection_badge_add(collection=collection, entry=entry, actor=cautious)
    for viewer in (outsider, AnonymousUser(), None):
        assert access.badge_visible_to(viewer, entry) is False
        assert not access.badges_visible_to(viewer).filter(pk=entry.pk).exists()
        assert not access.collection_entries_visible_to(viewer, collection).exists()
    assert access.badge_visible_to(cautious, entry) is True
    for viewer in (outsider, None):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        assert client.get(reverse("share:badge", args=[entry.public_id])).status_code == 404
        assert client.get(reverse("share:collection", args=[collection.public_id])).status_code == 200
        shown = client.get(reverse("share:collection", args=[collection.public_id])).content.decode()
        assert entry.name not in shown
    # Accepted, it follows its visibility like any other badge.
    imports.pushed_badge_accept(entry=entry, user=cautious)
    entry.refresh_from_db()
    assert access.badge_visible_to(None, entry) is True


def test_the_setting_is_on_the_account_page_and_audited(client, earner):
    client.force_login(earner)
    page = client.get(reverse("account_email")).content.decode()
    assert reverse("accounts:pushed_badges") in page and 'value="add" checked' in page
    response = client.post(reverse("accounts:pushed_badges"), {"pushed_badges": "ask"})
    assert response.status_code == 302 and response.url == reverse("account_email")
    earner.refresh_from_db()
    assert earner.pushed_badges == "ask"
    assert audit_entries_for(earner).filter(action="account.pushed_badges.changed").get().data == {
        "old": "add",
        "new": "ask",
    }
    assert 'value="ask" checked' in client.get(reverse("account_email")).content.decode()
    client.post(reverse("accounts:pushed_badges"), {"pushed_badges": "never"})
    earner.refresh_from_db()
    assert earner.pushed_badges == "ask"


# The recipient check: a badge lands only in the account whose verified address it was issued to.


def test_a_badge_issued_to_any_verified_address_of_the_account_is_imported(earner, award, fetcher):
    EmailAddress.objects.create(user=earner, email="ada@work.example", verified=True, primary=False)
    entry = _push(earner, award("ada@work.example"), fetcher)
    assert entry.owner == earner and entry.state == "accepted"


@pytest.mark.parametrize("address", ["unverified@example.org", "outsider@elsewhere.example"])
def test_a_badge_issued_to_an_unverified_or_another_accounts_address_is_refused(
    earner, outsider, award, fetcher, address
):
    EmailAddress.objects.create(user=earner, email="unverified@example.org", verified=False, primary=False)
    with pytest.raises(imports.ImportRefused) as refused:
        _push(earner, award(address), fetcher)
    assert "did not pass verification" in str(refused.value)
    failed = [check for check in refused.value.result.checks if not check.passed]
    assert [check.name for check in failed] == ["recipient"]
    assert not BackpackBadge.objects.filter(owner__in=[earner, outsider]).exists()


def test_the_password_app_is_named_in_the_earners_language(client, cautious, award, fetcher):
    # Moodle's request carries no language: what is stored is the English text, translated on display.
    pusher = imports.badge_import(
        user=cautious,
        source=BadgeInput(url=award("earner@example.org").public_url),
        fetcher=fetcher,
        pushed_by=BackpackBadge.PUSHED_BY_PASSWORD_APP,
    )
    assert pusher.pushed_by == "an app connected with your password"
    client.force_login(cautious)
    home = client.get(reverse("backpack:home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Envoyé par une application connectée avec votre mot de passe" in home
