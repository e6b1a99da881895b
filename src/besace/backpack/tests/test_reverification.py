"""Stored badges are verified again: on view when stale, and in background batches, oldest first."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from besace.backpack.models import BackpackBadge, Visibility
from besace.backpack.reverification import stale_badges_reverify
from besace.core.models import AuditEntry
from besace.issuing.services import assertion_revoke
from besace.testing.client_fetcher import ClientFetcher
from besace.testing.i18n import english_left
from besace.testing.tasks import worker_run


@pytest.fixture
def fetcher(monkeypatch, settings):
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    for module in (
        "besace.backpack.views",
        "besace.backpack.tasks",
        "besace.backpack.management.commands.reverify",
    ):
        monkeypatch.setattr(f"{module}.badge_fetcher", lambda: fetcher)
    return fetcher


@pytest.fixture
def imported(client, earner, award, fetcher):
    """Import awards to the earner as a remote backpack would; returns a factory of entries."""

    def make(**award_fields):
        assertion = award("earner@example.org", **award_fields)
        client.force_login(earner)
        client.post("/backpack/import/", {"url": assertion.public_url})
        entry = BackpackBadge.objects.get(owner=earner, badge_id=assertion.public_url)
        return entry, assertion

    return make


def _age(entry: BackpackBadge, hours: int) -> None:
    BackpackBadge.objects.filter(pk=entry.pk).update(verified_at=timezone.now() - timedelta(hours=hours))


def test_it_finds_a_revocation_when_a_stale_badge_is_viewed(client, imported, owner):
    entry, assertion = imported()
    BackpackBadge.objects.filter(pk=entry.pk).update(visibility=Visibility.PUBLIC)
    assertion_revoke(assertion=assertion, reason="Awarded by mistake", actor=owner)
    _age(entry, 30)
    page = client.get(f"/backpack/badges/{entry.public_id}/").content.decode()
    entry.refresh_from_db()
    assert entry.revoked and entry.visibility == Visibility.PRIVATE
    assert "Awarded by mistake" in entry.revocation_reason
    assert "This badge was revoked by its issuer." in page
    assert AuditEntry.objects.filter(action="backpack.badge.revoked_found", target_id=str(entry.pk)).exists()


def test_it_does_not_check_again_a_badge_checked_recently(client, imported, owner, fetcher):
    entry, assertion = imported()
    checked_at = entry.verified_at
    fetcher.requested.clear()
    client.get(f"/backpack/badges/{entry.public_id}/")
    entry.refresh_from_db()
    assert entry.verified_at == checked_at
    assert fetcher.requested == []


def test_it_checks_stale_badges_oldest_first_and_bounded(imported, fetcher):
    first, _ = imported()
    second, _ = imported()
    third, _ = imported()
    _age(first, 50)
    _age(second, 100)
    _age(third, 2)  # fresh enough
    assert stale_badges_reverify(fetcher=fetcher, limit=1) == 1
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.verified_at > timezone.now() - timedelta(minutes=1)
    assert first.verified_at < timezone.now() - timedelta(hours=49)
    assert stale_badges_reverify(fetcher=fetcher) == 1  # only `first` is still stale


def test_it_records_an_unusable_stored_badge_without_failing(imported, fetcher):
    entry, _ = imported()
    BackpackBadge.objects.filter(pk=entry.pk).update(original="not a badge any more")
    _age(entry, 30)
    assert stale_badges_reverify(fetcher=fetcher) == 1
    entry.refresh_from_db()
    assert entry.checks[0]["name"] == "structure" and not entry.checks[0]["passed"]
    assert not entry.revoked


def test_the_command_reports_how_many_badges_it_checked(imported, capsys):
    entry, _ = imported()
    _age(entry, 30)
    call_command("reverify", "--limit", "5")
    assert "1 badge(s) verified again." in capsys.readouterr().out


def test_the_page_shows_a_check_in_progress_and_reloads_until_it_is_done(client, imported, db_tasks):
    entry, _ = imported()
    _age(entry, 30)
    page_url = f"/backpack/badges/{entry.public_id}/"

    pages = [client.get(page_url).content.decode() for _ in range(2)]

    for page in pages:
        assert "Checking this badge again with its issuer" in page
        assert '<meta http-equiv="refresh" content="3">' in page
    assert DBTaskResult.objects.filter(task_path__endswith="badge_reverify_task").count() == 1  # asked once
    worker_run()
    page = client.get(page_url).content.decode()
    assert "Checking this badge again" not in page and 'http-equiv="refresh"' not in page
    entry.refresh_from_db()
    assert timezone.now() - entry.verified_at < timedelta(minutes=1)


def test_the_page_stops_reloading_when_the_check_takes_too_long(client, imported, db_tasks, monkeypatch):
    entry, _ = imported()
    _age(entry, 30)
    page_url = f"/backpack/badges/{entry.public_id}/"
    client.get(page_url)
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr("besace.backpack.views.timezone.now", lambda: later)

    page = client.get(page_url).content.decode()

    assert "taking longer than usual" in page and 'http-equiv="refresh"' not in page


def test_the_check_in_progress_is_told_in_french(client, imported, db_tasks):
    entry, _ = imported()
    _age(entry, 30)
    page = client.get(f"/backpack/badges/{entry.public_id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Nouvelle vérification de ce badge auprès de son émetteur" in page


def test_the_checks_of_an_imported_badge_read_all_french(client, imported):
    entry, _ = imported()
    url = f"/backpack/badges/{entry.public_id}/"
    french, english = (
        client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode() for language in ("fr", "en")
    )
    assert "l’émetteur publie cette attribution à l’adresse" in french
    assert (
        english_left(french=french, english=english, typed=(entry.normalised["achievement"]["description"],))
        == []
    )
