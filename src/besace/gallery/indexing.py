"""Writes to the gallery index (besace.gallery.models): one entry per public backpack badge, one
aggregate row per badge class with at least one. Called by the signal receivers and the rebuild command."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from besace import access
from besace.backpack.models import BackpackBadge
from besace.backpack.sharing import earner_shown
from besace.gallery.keys import achievement_id, badge_class_key
from besace.gallery.models import GalleryBadgeClass, GalleryEntry, GalleryTag
from besace.gallery.search_text import fold
from besace.profiles.selectors import profile_of

ANONYMOUS = AnonymousUser()
INDEX_RELATED = ("assertion__badge_class", "owner__profile")
_ENTRY_FIELDS = ("badge_class_id", "owner_id", "recipient_name", "country", "city", "on_map", "issued_on")


def _entry_row(badge: BackpackBadge, key: str, updated_at) -> GalleryEntry:
    """What the gallery may say about this public badge and its earner, as they chose."""
    shown = earner_shown(badge, ANONYMOUS)
    profile = profile_of(badge.owner)
    public_profile = profile is not None and access.profile_visible_to(ANONYMOUS, profile)
    located = public_profile and (profile.show_location or profile.on_map)
    recipient_name = shown.name if shown else ""
    return GalleryEntry(
        badge=badge,
        badge_class_id=key,
        owner_id=badge.owner_id,
        recipient_name=recipient_name,
        recipient_folded=fold(recipient_name),
        country=str(profile.country) if located else "",
        city=profile.city if located else "",
        on_map=public_profile and profile.on_map,
        issued_on=badge.issued_on,
        updated_at=updated_at,
    )


def _image_url(badge: BackpackBadge) -> str:
    if badge.assertion_id:
        return badge.assertion.badge_class.image_url
    return reverse("share:badge_image", args=[badge.public_id]) if badge.image else ""


def _class_row(badge: BackpackBadge, key: str, updated_at) -> GalleryBadgeClass:
    """The badge class as described by one of its public badges (counts are filled in separately)."""
    achievement = (badge.normalised or {}).get("achievement") or {}
    name = achievement.get("name") or badge.name
    issuer_name = ((badge.normalised or {}).get("issuer") or {}).get("name") or badge.issuer_name
    tags = [str(tag)[:100] for tag in achievement.get("tags") or () if str(tag).strip()]
    document = " ".join([name, achievement.get("description") or "", issuer_name, *tags])
    return GalleryBadgeClass(
        key=key,
        achievement_id=achievement_id(badge)[:500],
        representative=badge,
        name=name[:300],
        issuer_name=issuer_name[:300],
        image_url=_image_url(badge)[:500],
        tags=tags,
        updated_at=updated_at,
        name_folded=fold(name)[:300],
        issuer_folded=fold(issuer_name)[:300],
        document=fold(document),
    )


def _tag_rows(badge_class: GalleryBadgeClass) -> list[GalleryTag]:
    return [
        GalleryTag(badge_class=badge_class, tag=tag) for tag in sorted({fold(t) for t in badge_class.tags})
    ]


def class_refresh(key: str) -> None:
    """Recount a badge class's public recipients and describe it from its latest public badge;
    the class leaves the gallery with its last public badge."""
    with transaction.atomic():
        totals = GalleryEntry.objects.filter(badge_class_id=key).aggregate(
            recipients=Count("owner", distinct=True), updated_at=Max("updated_at")
        )
        if not totals["recipients"]:
            GalleryBadgeClass.objects.filter(key=key).delete()
            return
        latest = (
            GalleryEntry.objects.filter(badge_class_id=key)
            .select_related(*(f"badge__{path}" for path in INDEX_RELATED))
            .order_by("-updated_at", "-badge_id")
            .first()
        )
        row = _class_row(latest.badge, key, totals["updated_at"])
        row.recipient_count = totals["recipients"]
        row.save()
        GalleryTag.objects.filter(badge_class_id=key).delete()
        GalleryTag.objects.bulk_create(_tag_rows(row))


def entry_sync(badge: BackpackBadge) -> None:
    """Bring the index in line with one backpack badge: in it exactly while anyone may see it."""
    with transaction.atomic():
        existing = GalleryEntry.objects.filter(badge_id=badge.pk).first()
        if not access.badge_visible_to(ANONYMOUS, badge):
            if existing is not None:
                existing.delete()  # the post_delete receiver recounts its class
            return
        key = badge_class_key(achievement_id(badge))
        now = timezone.now()
        row = _entry_row(badge, key, now)
        if existing is not None and all(getattr(existing, f) == getattr(row, f) for f in _ENTRY_FIELDS):
            return  # nothing the gallery shows changed (a re-verification, a new tag...)
        if not GalleryBadgeClass.objects.filter(key=key).exists():
            _class_row(badge, key, now).save()
        row.save()
        class_refresh(key)
        if existing is not None and existing.badge_class_id != key:
            class_refresh(existing.badge_class_id)


def owner_entries_sync(user) -> None:
    """After a profile or account change: what the index says about this earner (name, place)."""
    for badge in BackpackBadge.objects.filter(owner=user, gallery_entry__isnull=False).select_related(
        *INDEX_RELATED
    ):
        entry_sync(badge)


def rebuild(batch_size: int = 2000) -> int:
    """Rebuild the whole index from the backpacks; returns the number of public badges indexed.

    Rows get the date each badge entered its backpack as their modification date.
    """
    count = 0
    with transaction.atomic():
        _index_empty()
        classes: dict[str, GalleryBadgeClass] = {}
        batch: list[GalleryEntry] = []
        public = access.badges_visible_to(ANONYMOUS).select_related(*INDEX_RELATED).order_by("pk")
        for badge in public.iterator(chunk_size=batch_size):
            key = badge_class_key(achievement_id(badge))
            if key not in classes:
                classes[key] = _class_row(badge, key, badge.accepted_at)
            batch.append(_entry_row(badge, key, badge.accepted_at))
            if len(batch) >= batch_size:
                count += _entries_write(batch, classes)
        count += _entries_write(batch, classes)
        _counts_write(classes, batch_size)
    return count


def _index_empty() -> None:
    # Plain DELETEs: the ORM's would recount each class once per deleted entry (post_delete receiver).
    with connection.cursor() as cursor:
        for model in (GalleryTag, GalleryEntry, GalleryBadgeClass):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def _entries_write(batch: list[GalleryEntry], classes: dict[str, GalleryBadgeClass]) -> int:
    new_classes = [
        classes[key] for key in {row.badge_class_id for row in batch} if classes[key]._state.adding
    ]
    GalleryBadgeClass.objects.bulk_create(new_classes)  # marks them as saved (_state.adding False)
    GalleryEntry.objects.bulk_create(batch)
    written = len(batch)
    batch.clear()
    return written


def _counts_write(classes: dict[str, GalleryBadgeClass], batch_size: int) -> None:
    totals = GalleryEntry.objects.values("badge_class_id").annotate(
        recipients=Count("owner", distinct=True), updated_at=Max("updated_at")
    )
    for total in totals.iterator(chunk_size=batch_size):
        badge_class = classes[total["badge_class_id"]]
        badge_class.recipient_count = total["recipients"]
        badge_class.updated_at = total["updated_at"]
    values = list(classes.values())
    GalleryBadgeClass.objects.bulk_update(values, ["recipient_count", "updated_at"], batch_size=batch_size)
    GalleryTag.objects.bulk_create(
        [tag for badge_class in values for tag in _tag_rows(badge_class)], batch_size=batch_size
    )
