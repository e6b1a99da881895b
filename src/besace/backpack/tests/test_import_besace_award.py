"""A Besace award that comes back as an import (Moodle, a site issuer on Besace, sends its earners' badges to
their backpack by URL) is in the backpack: the earner is not asked to accept it a second time."""

import pytest

from besace.backpack import imports
from besace.backpack.selectors import pending_assertions
from besace.core.audit import audit_entries_for
from besace.openbadges.verify.verifier import BadgeInput
from besace.testing.client_fetcher import ClientFetcher


@pytest.fixture
def fetcher(settings):
    return ClientFetcher(settings.BESACE_BASE_URL)


def test_importing_an_award_by_its_url_takes_it_off_the_pending_awards(earner, award, fetcher):
    assertion = award("earner@example.org")
    other = award("earner@example.org")
    assert set(pending_assertions(earner)) == {assertion, other}

    imports.badge_import(
        user=earner, source=BadgeInput(url=assertion.public_url), fetcher=fetcher, pushed_by="Moodle"
    )

    assertion.refresh_from_db()
    assert assertion.recipient_state == assertion.RecipientState.ACCEPTED
    assert list(pending_assertions(earner)) == [other]
    assert audit_entries_for(assertion).get(action="assertion.accepted").data["via"] == "import"


def test_the_signed_form_names_the_same_award(earner, award, fetcher, client):
    assertion = award("earner@example.org")
    jws = client.get(f"/public/assertions/{assertion.public_id}/signed.jws").content.decode()

    imports.badge_import(user=earner, source=BadgeInput(text=jws), fetcher=fetcher)

    assertion.refresh_from_db()
    assert assertion.recipient_state == assertion.RecipientState.ACCEPTED


def test_an_award_an_app_sent_stays_pending_until_the_earner_accepts_it(earner, award, fetcher):
    earner.pushed_badges = earner.PushedBadges.ASK
    earner.save(update_fields=["pushed_badges"])
    assertion = award("earner@example.org")

    entry = imports.badge_import(
        user=earner, source=BadgeInput(url=assertion.public_url), fetcher=fetcher, pushed_by="Moodle"
    )
    assertion.refresh_from_db()
    assert assertion.recipient_state == assertion.RecipientState.PENDING

    imports.pushed_badge_accept(entry=entry, user=earner)
    assertion.refresh_from_db()
    assert assertion.recipient_state == assertion.RecipientState.ACCEPTED
    assert not pending_assertions(earner).exists()
