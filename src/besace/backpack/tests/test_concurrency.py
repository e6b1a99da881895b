"""Accepting the same award twice yields one backpack entry."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from besace.backpack import services
from besace.backpack.models import BackpackBadge
from besace.core.audit import audit_entries_for


def test_it_keeps_one_entry_when_the_same_award_is_accepted_twice(earner, award):
    assertion = award()
    first = services.assertion_accept(assertion=assertion, user=earner)
    second = services.assertion_accept(assertion=assertion, user=earner)
    assert first == second
    assert BackpackBadge.objects.filter(assertion=assertion).count() == 1
    assert audit_entries_for(assertion).filter(action="assertion.accepted").count() == 1


def test_it_keeps_one_entry_when_two_accepts_race_past_the_check(earner, award, monkeypatch):
    """The second accept read "not in the backpack yet" before the first one wrote its entry."""
    assertion = award()
    services.assertion_accept(assertion=assertion, user=earner)
    stale = BackpackBadge.objects.none()
    monkeypatch.setattr(BackpackBadge.objects, "filter", lambda **kwargs: stale)  # the stale read
    entry = services.assertion_accept(assertion=assertion, user=earner)
    monkeypatch.undo()
    assert BackpackBadge.objects.filter(assertion=assertion).count() == 1
    assert entry == BackpackBadge.objects.get()
    assert audit_entries_for(assertion).filter(action="assertion.accepted").count() == 1


def test_it_is_the_database_that_forbids_a_second_entry(earner, award):
    assertion = award()
    BackpackBadge.objects.create(owner=earner, assertion=assertion)
    with pytest.raises(IntegrityError), transaction.atomic():
        BackpackBadge.objects.create(owner=earner, assertion=assertion)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_entry_when_two_threads_accept_at_once(make_user, award):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    earner = make_user("earner@example.org")
    assertion = award()
    barrier = threading.Barrier(2)
    errors = []

    def accept():
        try:
            barrier.wait()
            services.assertion_accept(assertion=assertion, user=earner)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert BackpackBadge.objects.filter(assertion=assertion).count() == 1
    assert [type(e).__name__ for e in errors] in ([], ["OperationalError"])  # SQLite may say "locked"
