"""The public page of an earned badge: link previews, the verification verdict, the earner's name."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from besace.backpack.models import BackpackBadge, EarnerName, Visibility
from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.core.audit import audit_entries_for
from besace.issuing.services import assertion_revoke
from besace.testing.client_fetcher import ClientFetcher


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.tags[attrs.get("property") or attrs["name"]] = attrs.get("content", "")


def _meta(html: str) -> dict[str, str]:
    parser = _Meta()
    parser.feed(html)
    return parser.tags


def _page(client, entry: BackpackBadge) -> str:
    response = client.get(f"/badges/{entry.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_gives_link_previews_the_badge_with_absolute_urls(client, kept, badge_class, issuer):
    entry = kept("public")
    meta = _meta(_page(client, entry))
    assert meta["og:title"] == meta["twitter:title"] == "Python"
    assert meta["og:url"] == f"http://testserver/badges/{entry.public_id}/"
    assert meta["og:image"] == meta["twitter:image"] == badge_class.image_url
    assert meta["og:image"].startswith("http://testserver/public/")
    assert meta["twitter:card"] == "summary_large_image"
    assert issuer.name in meta["og:description"] and "Writes Python." in meta["og:description"]
    assert "earner@example.org" not in str(meta)


def test_it_gives_an_imported_badge_its_own_image_served_to_anonymous_visitors(client, imported):
    entry = imported("public", name="Secourisme")
    meta = _meta(_page(client, entry))
    assert meta["og:image"] == f"http://testserver/badges/{entry.public_id}/image"
    assert client.get(meta["og:image"].removeprefix("http://testserver"))["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("choice", "shown"), [(EarnerName.HIDDEN, False), (EarnerName.SHOWN, True), (EarnerName.LINKED, True)]
)
def test_it_shows_the_earner_name_only_as_they_chose(client, kept, choice, shown):
    entry = kept("public", name="Ada Lovelace")
    entry.earner_name = choice
    entry.save(update_fields=["earner_name"])
    page = _page(client, entry)
    assert ("Ada Lovelace" in page) is shown
    assert "Ada Lovelace" not in _meta(page)["og:description"]


def test_it_hides_the_earner_name_by_default(client, kept):
    entry = kept("public", name="Ada Lovelace")
    assert entry.earner_name == EarnerName.HIDDEN
    assert "Ada Lovelace" not in _page(client, entry)


def test_it_shows_the_account_name_of_an_imported_badge_earner(client, imported, earner):
    earner.first_name, earner.last_name = "Grace", "Hopper"
    earner.save(update_fields=["first_name", "last_name"])
    entry = imported("public", earner_name=EarnerName.SHOWN)
    assert "Grace Hopper" in _page(client, entry)


def test_it_links_the_name_to_the_profile_only_for_viewers_the_profile_lets_in(
    client, kept, earner, outsider
):
    from besace.profiles.services import profile_for

    profile = profile_for(earner)
    profile.visibility = "signed_in"
    profile.save(update_fields=["visibility"])
    profile_path = reverse("profiles:detail", kwargs={"slug": profile.slug})
    entry = kept("public", name="Ada Lovelace")
    entry.earner_name = EarnerName.LINKED
    entry.save(update_fields=["earner_name"])

    anonymous_page = _page(client, entry)
    assert "Ada Lovelace" in anonymous_page and f'href="{profile_path}"' not in anonymous_page
    client.force_login(outsider)
    assert f'<a href="{profile_path}">Ada Lovelace</a>' in _page(client, entry)

    profile.visibility = "private"
    profile.save(update_fields=["visibility"])
    assert f'href="{profile_path}"' not in _page(client, entry)


def test_a_linked_name_is_the_profile_s_pseudonym_not_the_real_name(client, kept, earner):
    from besace.profiles.services import profile_for

    profile = profile_for(earner)
    profile.visibility, profile.display_name = "public", "Lady A."
    profile.save(update_fields=["visibility", "display_name"])
    entry = kept("public", name="Ada Lovelace")
    entry.earner_name = EarnerName.LINKED
    entry.save(update_fields=["earner_name"])
    page = _page(client, entry)
    assert "Lady A." in page and "Ada Lovelace" not in page


def test_it_shows_a_live_verdict_for_an_award(client, kept, owner, earner):
    entry = kept("public")
    page = _page(client, entry)
    assert "Verified: awarded by Université Test" in page and "(checked on " in page
    assertion_revoke(assertion=entry.assertion, reason="Awarded by mistake", actor=owner)
    assert client.get(f"/badges/{entry.public_id}/").status_code == 404  # others: gone at once
    client.force_login(earner)
    page = _page(client, entry)
    assert "This badge was revoked by its issuer." in page and "Awarded by mistake" in page


def test_it_says_when_an_award_has_expired(client, kept, badge_class):
    badge_class.expires_after_days = 1
    badge_class.save(update_fields=["expires_after_days"])
    entry = kept("public", issued_on=timezone.now() - timedelta(days=3))
    page = _page(client, entry)
    assert "no longer valid" in page and "Verified:" not in page


def test_it_shows_when_an_imported_badge_was_last_checked_and_a_failure(client, imported):
    entry = imported("public")
    assert "Verified: every check passed when last checked" in _page(client, entry)
    BackpackBadge.objects.filter(pk=entry.pk).update(
        checks=[{"name": "signature", "passed": False, "message": "Bad signature."}]
    )
    page = _page(client, entry)
    assert "Not verified: some checks failed" in page and "Bad signature." in page


@pytest.fixture
def fetched(client, earner, award, monkeypatch, settings):
    """A badge awarded here and imported through its URL, as another backpack holds it; made public."""
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    for module in ("besace.backpack.views", "besace.backpack.tasks"):
        monkeypatch.setattr(f"{module}.badge_fetcher", lambda: fetcher)
    assertion = award("earner@example.org")
    client.force_login(earner)
    client.post("/backpack/import/", {"url": assertion.public_url})
    client.logout()
    entry = BackpackBadge.objects.get(owner=earner, badge_id=assertion.public_url)
    BackpackBadge.objects.filter(pk=entry.pk).update(
        visibility=Visibility.PUBLIC, verified_at=timezone.now() - timedelta(days=3)
    )
    return entry, assertion


def test_it_checks_a_stale_imported_badge_again_when_its_page_is_opened(client, fetched):
    entry, _assertion = fetched
    page = _page(client, entry)
    entry.refresh_from_db()
    assert timezone.now() - entry.verified_at < timedelta(minutes=1)
    assert "Verified: every check passed when last checked" in page


def test_it_stops_showing_a_stale_badge_found_revoked(client, fetched, owner):
    entry, assertion = fetched
    assertion_revoke(assertion=assertion, reason="Awarded by mistake", actor=owner)
    assert client.get(f"/badges/{entry.public_id}/").status_code == 404
    entry.refresh_from_db()
    assert entry.revoked and entry.visibility == Visibility.PRIVATE
    assert audit_entries_for(entry).filter(action="backpack.badge.revoked_found").exists()
