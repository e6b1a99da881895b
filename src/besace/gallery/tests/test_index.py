"""The gallery index holds exactly the badges anyone may see, and follows every change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from besace import access
from besace.backpack.models import BackpackBadge
from besace.backpack.organise import badge_visibility_set
from besace.gallery import indexing
from besace.gallery.keys import achievement_id, badge_class_key
from besace.gallery.models import GalleryBadgeClass, GalleryEntry, GalleryTag
from besace.issuing import services as issuing_services


def _indexed() -> set[int]:
    return set(GalleryEntry.objects.values_list("badge_id", flat=True))


@pytest.mark.django_db
def test_only_public_accepted_live_badges_are_indexed(kept, imported, earner):
    public = kept("public")
    kept("signed_in")
    kept("private")
    imported("public", revoked=True)
    pending = imported("public", state=BackpackBadge.State.PENDING)
    public_import = imported("public")
    assert _indexed() == {public.pk, public_import.pk}
    assert not access.badge_visible_to(AnonymousUser(), pending)


@pytest.mark.django_db
def test_visibility_changes_revocation_and_deletion_follow(kept, earner):
    entry = kept("private")
    assert _indexed() == set()
    badge_visibility_set(entry=entry, visibility="public", actor=earner)
    assert _indexed() == {entry.pk}
    key = badge_class_key(achievement_id(entry))
    assert GalleryBadgeClass.objects.get(key=key).recipient_count == 1

    badge_visibility_set(entry=entry, visibility="signed_in", actor=earner)
    assert _indexed() == set()
    assert not GalleryBadgeClass.objects.filter(key=key).exists()  # no public recipient left

    badge_visibility_set(entry=entry, visibility="public", actor=earner)
    issuing_services.assertion_revoke(assertion=entry.assertion, reason="Mistake", actor=None)
    assert _indexed() == set()

    second = kept("public")
    assert _indexed() == {second.pk}
    second.delete()
    assert _indexed() == set()
    assert not GalleryBadgeClass.objects.exists()
    assert not GalleryTag.objects.exists()


@pytest.mark.django_db
def test_recipient_count_counts_people_and_the_class_describes_the_badge(
    kept, imported, make_user, badge_class
):
    kept("public")
    other = make_user("other@example.org")
    imported("public", owner=other)  # an import of the same badge class (same achievement id)
    badge_class_row = GalleryBadgeClass.objects.get()
    assert badge_class_row.recipient_count == 2
    assert badge_class_row.name == "Python"
    assert badge_class_row.issuer_name == "Université Test"
    assert badge_class_row.tags == ["python"]
    assert list(GalleryTag.objects.values_list("tag", flat=True)) == ["python"]
    assert badge_class_row.achievement_id == badge_class.public_url


@pytest.mark.django_db
def test_earner_name_and_profile_location_are_indexed_only_as_chosen(kept, earner, public_profile):
    entry = kept("public")
    row = GalleryEntry.objects.get()
    assert (row.recipient_name, row.country, row.on_map) == ("", "", False)

    entry.earner_name = "shown"
    entry.save()
    row.refresh_from_db()
    assert row.recipient_name == "Amélie Poulain"
    assert row.recipient_folded == "amelie poulain"

    profile = public_profile(earner, city="Lyon", country="FR", show_on_map=True)
    row.refresh_from_db()
    assert (row.country, row.city, row.on_map) == ("FR", "Lyon", True)

    profile.visibility = "signed_in"  # the place comes only from a public profile
    profile.save()
    row.refresh_from_db()
    assert (row.country, row.city, row.on_map) == ("", "", False)

    earner.first_name = "Nino"
    earner.save()
    row.refresh_from_db()
    assert row.recipient_name == "Nino Poulain"


@pytest.mark.django_db
def test_rebuild_command_restores_the_index(kept, imported, make_user):
    first = kept("public")
    kept("private")
    second = imported("public", owner=make_user("other@example.org"))
    before = {row.key: row.recipient_count for row in GalleryBadgeClass.objects.all()}
    GalleryEntry.objects.all().delete()
    assert _indexed() == set()
    call_command("gallery_reindex", verbosity=0)
    assert _indexed() == {first.pk, second.pk}
    assert {row.key: row.recipient_count for row in GalleryBadgeClass.objects.all()} == before
    assert GalleryTag.objects.filter(tag="python").count() == 1
    assert indexing.rebuild() == 2


@pytest.mark.django_db
def test_deleting_an_account_takes_its_badges_out_of_the_gallery(
    kept, earner, make_user, imported, public_profile
):
    kept("public")
    public_profile(earner, country="FR", show_on_map=True)
    other = imported("public", owner=make_user("other@example.org"))
    earner.delete()
    assert _indexed() == {other.pk}
    assert GalleryBadgeClass.objects.get().recipient_count == 1


def _index_contents() -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    """Every field of every index row, in a stable order (tags without their meaningless ids)."""
    return (
        list(GalleryEntry.objects.order_by("badge_id").values()),
        list(GalleryBadgeClass.objects.order_by("key").values()),
        list(GalleryTag.objects.order_by("badge_class_id", "tag").values_list("badge_class_id", "tag")),
    )


@pytest.fixture
def varied_gallery(kept, imported, earner, make_user, public_profile, svg_badge_class):
    """An index built live, through the signals: several earners, classes, name choices and profiles,
    badges made public, hidden again, revoked, and profile and account changes after the fact."""
    public_profile(earner, country="FR", city="Lyon", show_on_map=True)
    shown = kept("public")
    shown.earner_name = "shown"
    shown.save()
    linked = kept("public", badge_class=svg_badge_class, name="A. Poulain")
    linked.earner_name = "linked"
    linked.save()
    kept("private")
    revoked = kept("public")
    issuing_services.assertion_revoke(assertion=revoked.assertion, reason="Mistake", actor=None)

    other = make_user("other@example.org")
    other.first_name, other.last_name = "Zoé", "Weber"
    other.save()
    public_profile(other, country="SN", city="Dakar", show_location=False)
    imported("public", owner=other, earner_name="shown")
    BackpackBadge.objects.create(  # a badge class without an id of its own, named by issuer and name
        owner=other,
        source=BackpackBadge.Source.IMPORT,
        name="Soudure",
        issuer_name="Fablab de Brest",
        normalised={},
        original="{}",
        visibility="public",
        earner_name="linked",
    )
    third = make_user("third@example.org")
    public_profile(third, visibility="private", country="BE", show_on_map=True)
    imported("public", owner=third, earner_name="linked")
    imported("signed_in", owner=third)
    imported("public", owner=third, revoked=True)

    badge_visibility_set(entry=shown, visibility="signed_in", actor=earner)
    badge_visibility_set(entry=shown, visibility="public", actor=earner)
    public_profile(earner, city="Brest")
    earner.first_name = "Nino"
    earner.save()
    other.last_name = "Diallo"  # now the latest badge of its class, which it describes
    other.save()


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [2, 5000])
def test_rebuild_writes_exactly_what_the_live_updates_wrote(varied_gallery, batch_size):
    live = _index_contents()
    assert len(live[0]) == 5 and len(live[1]) == 3
    assert {row["recipient_count"] for row in live[1]} == {1, 3}
    # The rebuild dates each row by the badge's arrival in its backpack, the live updates by the change:
    # make them the same to compare everything else, the description of each class by its latest badge too.
    for entry in live[0]:
        BackpackBadge.objects.filter(pk=entry["badge_id"]).update(accepted_at=entry["updated_at"])
    assert indexing.rebuild(batch_size=batch_size) == 5
    assert _index_contents() == live


@pytest.mark.django_db
def test_rebuild_reads_and_writes_by_batch_not_badge_by_badge(kept, imported, make_user, public_profile):
    kept("public")
    owner = make_user("other@example.org")
    public_profile(owner, country="FR")
    imported("public", owner=owner, earner_name="linked")
    with CaptureQueriesContext(connection) as few:
        indexing.rebuild()
    for number in range(6):
        user = make_user(f"more{number}@example.org")
        public_profile(user, country="BE", show_on_map=True)
        imported("public", owner=user, earner_name="shown")
        kept("public")
    with CaptureQueriesContext(connection) as more:
        assert indexing.rebuild() == 14
    assert len(more) == len(few)
