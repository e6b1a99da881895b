"""The gallery index holds exactly the badges anyone may see, and follows every change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

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
